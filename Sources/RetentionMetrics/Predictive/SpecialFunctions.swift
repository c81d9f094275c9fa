#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The special functions the models need, in one place.
enum Special {
    /// ln Γ(x) for x > 0 (the reentrant form: `lgamma` writes a global).
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then
    /// the asymptotic series (absolute error below 1e-13 there).
    static func digamma(_ value: Double) -> Double {
        var x = value
        var result = 0.0
        while x < 6 {
            result -= 1 / x
            x += 1
        }
        let inverse = 1 / x
        let inverse2 = inverse * inverse
        let series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 / 132))))
        return result + log(x) - 0.5 * inverse - series
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 and c > 0, by its power
    /// series (terms shrink like zⁿ; the models only ask for z = t ÷ (α + T + t) < 1).
    static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        precondition(z >= 0 && z < 1, "₂F₁ is summed only for 0 ≤ z < 1")
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        while n < 100_000 {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            if abs(term) <= 1e-16 * abs(sum) { break }
            n += 1
        }
        return sum
    }

    /// ln(eˣ + eʸ) without overflow.
    @inline(__always)
    static func logAddExp(_ x: Double, _ y: Double) -> Double {
        x > y ? x + log1p(exp(y - x)) : y + log1p(exp(x - y))
    }
}
