#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// E[Y(t) | x, T] ÷ P(alive) for many customers at once: the series coefficients of
/// ₂F₁(r + x, b + x; a + b + x − 1; z) depend only on x, so they are computed once per distinct x
/// and each customer's sum is multiplications and additions, no divisions.
struct HypergeometricSeriesTable: Sendable {
    let model: BetaGeoParameters
    /// Coefficients by x: cₙ = (r + x)ₙ (b + x)ₙ ÷ ((a + b + x − 1)ₙ n!), long enough for z up to
    /// the largest the forecast needs; empty for x not present.
    let coefficients: [[Double]]

    init(_ model: BetaGeoParameters, frequencies: [Int32], largestZ: Double) {
        self.model = model
        let maxX = Int(frequencies.max() ?? 0)
        var present = [Bool](repeating: false, count: maxX + 1)
        for x in frequencies { present[Int(x)] = true }
        let z = min(max(largestZ, 0), 0.999_999)
        coefficients = (0...maxX).map { x in
            guard present[x] else { return [] }
            let a = model.r + Double(x), b = model.b + Double(x), c = model.a + model.b + Double(x) - 1
            var terms = [1.0]
            var coefficient = 1.0, power = 1.0, sum = 1.0
            var n = 0.0
            // Until the terms at the largest z are negligible (they shrink like zⁿ once n passes
            // the peak), or the cap, past which the plain series is summed instead.
            while terms.count < 8_192 {
                coefficient *= (a + n) * (b + n) / ((c + n) * (n + 1))
                power *= z
                terms.append(coefficient)
                sum += coefficient * power
                n += 1
                if coefficient * power <= 1e-17 * sum && n > a { break }
            }
            return terms
        }
    }

    /// E[Y(t) | x, tₓ, T] ÷ P(alive | x, tₓ, T): (a + b + x − 1) ÷ (a − 1) · (1 − ((α + T) ÷ (α + T + t))^(r + x) · ₂F₁(z)).
    @inline(__always)
    func expectedPurchases(in t: Double, frequency x: Int, age T: Double) -> Double {
        let xd = Double(x)
        let z = t / (model.alpha + T + t)
        let table = coefficients[x]
        var sum = 0.0, power = 1.0
        var converged = false
        for coefficient in table {
            let term = coefficient * power
            sum += term
            if term <= 1e-17 * sum && power < 1 {
                converged = true
                break
            }
            power *= z
        }
        if !converged {
            sum = Special.hypergeometric2F1(model.r + xd, model.b + xd, model.a + model.b + xd - 1, z)
        }
        let decay = exp((model.r + xd) * (log(model.alpha + T) - log(model.alpha + T + t)))
        return (model.a + model.b + xd - 1) / (model.a - 1) * (1 - decay * sum)
    }
}
