#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD model's parameters (Fader, Hardie & Lee 2005, "Counting your customers the easy
/// way"): while alive, a customer buys at rate λ ~ Gamma(r, α); after each purchase they drop
/// out with probability p ~ Beta(a, b).
///
/// `alpha` is in ``unit``s of time; `r`, `a` and `b` have no unit.
///
/// ```swift
/// let model = BetaGeoParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, unit: .weeks)
/// model.probabilityAlive(frequency: 2, recency: 30.43, age: 38.86)
/// model.expectedPurchases(in: 39, frequency: 2, recency: 30.43, age: 38.86)
/// ```
public struct BetaGeoParameters: Hashable, Sendable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double
    /// The time unit of `alpha` and of every time given to the predictions.
    public var unit: TimeUnit

    public init(r: Double, alpha: Double, a: Double, b: Double, unit: TimeUnit) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.unit = unit
    }

    /// P(alive | x, tₓ, T) = 1 ÷ (1 + [x > 0] · a ÷ (b + x − 1) · ((α + T) ÷ (α + tₓ))^(r + x))
    /// (the paper's equation 11).
    public func probabilityAlive(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        guard x > 0 else { return 1 }
        let xd = Double(x)
        let logRatio = (r + xd) * (log(alpha + T) - log(alpha + tx))
        return 1 / (1 + exp(log(a) - log(b + xd - 1) + logRatio))
    }

    /// E[Y(t) | x, tₓ, T]: the purchases a customer with this history is expected to make in the
    /// next `t` units (the paper's equation 10).
    public func expectedPurchases(in t: Double, frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let xd = Double(x)
        let z = t / (alpha + T + t)
        let hyper = Special.hypergeometric2F1(r + xd, b + xd, a + b + xd - 1, z)
        let leading = (a + b + xd - 1) / (a - 1)
        let decay = exp((r + xd) * (log(alpha + T) - log(alpha + T + t)))
        let numerator = leading * (1 - decay * hyper)
        guard x > 0 else { return numerator }
        let denominator = 1 + exp(log(a) - log(b + xd - 1) + (r + xd) * (log(alpha + T) - log(alpha + tx)))
        return numerator / denominator
    }

    /// E[X(t)]: purchases a new customer is expected to make in their first `t` units (equation 9).
    public func expectedPurchases(in t: Double) -> Double {
        let hyper = Special.hypergeometric2F1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - exp(r * (log(alpha) - log(alpha + t))) * hyper)
    }

    /// ln L for one customer (the paper's equation 6, summed over customers for the fit).
    public func logLikelihood(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let xd = Double(x)
        let a1 = Special.logGamma(r + xd) - Special.logGamma(r) + r * log(alpha)
        let a2 = Special.logGamma(a + b) + Special.logGamma(b + xd) - Special.logGamma(b) - Special.logGamma(a + b + xd)
        let a3 = -(r + xd) * log(alpha + T)
        guard x > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + xd - 1) - (r + xd) * log(alpha + tx)
        return a1 + a2 + Special.logAddExp(a3, a4)
    }
}

/// A fitted model: its parameters, the log-likelihood they reach, and how the fit went.
public struct ModelFit<Parameters: Hashable & Sendable>: Hashable, Sendable {
    /// The maximum-likelihood parameters.
    public var parameters: Parameters
    /// ln L summed over the customers fitted, at those parameters.
    public var logLikelihood: Double
    /// How many customers the fit used.
    public var customers: Int
    /// The optimiser's account.
    public var convergence: Convergence

    public init(parameters: Parameters, logLikelihood: Double, customers: Int, convergence: Convergence) {
        self.parameters = parameters
        self.logLikelihood = logLikelihood
        self.customers = customers
        self.convergence = convergence
    }
}

extension PurchaseSummary {
    /// Fits the BG/NBD model by maximum likelihood.
    ///
    /// The likelihood is maximised over the logarithms of r, α, a and b (so every step is a
    /// valid model) by BFGS with the exact gradient, starting from r = α = a = b = 1 with time
    /// rescaled so the oldest customer's age is 10 (α is converted back afterwards). Throws
    /// `notEnoughData` without customers or without a single repeat purchase, and
    /// `didNotConverge` when no maximum is found.
    ///
    /// When dropout hardly varies between customers the likelihood keeps rising as a and b grow
    /// together (a ÷ (a + b) fixed), and there is no maximum to find. A `penalty` λ > 0 then
    /// maximises ln L ÷ n − λ (a² + b²) instead, which keeps them finite; the log-likelihood
    /// reported is still the unpenalised one.
    public func fitBetaGeo(penalty: Double = 0) throws(MetricsError) -> ModelFit<BetaGeoParameters> {
        guard penalty >= 0, penalty.isFinite else {
            throw MetricsError(.badArgument, "a penalty of \(penalty) cannot keep a and b finite; give 0 or a small positive number such as 1e-6")
        }
        guard count > 0 else {
            throw MetricsError(.notEnoughData, "no customer bought by \(observationEnd.iso): the BG/NBD model needs purchase histories")
        }
        guard frequency.contains(where: { $0 > 0 }) else {
            throw MetricsError(.notEnoughData, "no customer bought twice by \(observationEnd.iso): the BG/NBD model cannot tell how often customers buy")
        }
        let likelihood = BetaGeoLikelihood(self)
        let maxAge = max(1, Double(ageDays.max() ?? 1))
        let fitPerDay = 10 / maxAge
        let search = BFGS().minimise(from: [0, 0, 0, 0]) { theta, gradient in
            var value = likelihood.negativeMeanLogLikelihood(logParameters: theta, perDay: fitPerDay, gradient: &gradient)
            for index in 2...3 where penalty > 0 {
                let square = exp(2 * theta[index])
                value += penalty * square
                gradient[index] += 2 * penalty * square
            }
            return value
        }
        let perDay = 1 / unit.days
        let scaled = search.point.map { exp($0) }
        let parameters = BetaGeoParameters(r: scaled[0], alpha: scaled[1] * perDay / fitPerDay, a: scaled[2], b: scaled[3], unit: unit)
        var unused = [Double](repeating: 0, count: 4)
        let mean = likelihood.negativeMeanLogLikelihood(
            logParameters: [parameters.r, parameters.alpha, parameters.a, parameters.b].map { log($0) }, perDay: perDay,
            gradient: &unused)
        guard search.convergence.converged, mean.isFinite else {
            let reached = "r \(parameters.r), α \(parameters.alpha), a \(parameters.a), b \(parameters.b)"
            throw MetricsError(.didNotConverge, "the BG/NBD fit did not converge after \(search.convergence.iterations) iterations (largest gradient \(search.convergence.gradientNorm), at \(reached)); the data may have too few repeat buyers for the model, or dropout may not vary between customers (a and b growing together); fit with a small penalty such as 1e-6")
        }
        return ModelFit(parameters: parameters, logLikelihood: -mean * Double(count), customers: count, convergence: search.convergence)
    }
}

/// The BG/NBD log-likelihood and its gradient over a summary, arranged for speed: the terms that
/// depend only on x are computed once per distinct x, those that depend on a day count once per
/// day, and customers without repeats are summed by age.
struct BetaGeoLikelihood {
    /// Distinct frequencies and how many customers have each.
    let xs: [Int32]
    let xCount: [Double]
    /// Repeat buyers: index into `xs`, recency and age in days.
    let repeatX: [Int32]
    let repeatRecency: [Int32]
    let repeatAge: [Int32]
    /// Customers without repeats, counted by age in days.
    let zeroByAge: [Double]
    let maxDay: Int
    let customers: Double

    init(_ summary: PurchaseSummary) {
        let maxX = Int(summary.frequency.max() ?? 0)
        var countByX = [Double](repeating: 0, count: maxX + 1)
        for x in summary.frequency { countByX[Int(x)] += 1 }
        var xs: [Int32] = [], xCount: [Double] = []
        var slot = [Int32](repeating: -1, count: maxX + 1)
        for (x, count) in countByX.enumerated() where count > 0 {
            slot[x] = Int32(xs.count)
            xs.append(Int32(x))
            xCount.append(count)
        }
        maxDay = Int(summary.ageDays.max() ?? 0)
        var zeroByAge = [Double](repeating: 0, count: maxDay + 1)
        var repeatX: [Int32] = [], repeatRecency: [Int32] = [], repeatAge: [Int32] = []
        for index in 0..<summary.count {
            let x = summary.frequency[index]
            if x == 0 {
                zeroByAge[Int(summary.ageDays[index])] += 1
            } else {
                repeatX.append(slot[Int(x)])
                repeatRecency.append(summary.recencyDays[index])
                repeatAge.append(summary.ageDays[index])
            }
        }
        self.xs = xs
        self.xCount = xCount
        self.repeatX = repeatX
        self.repeatRecency = repeatRecency
        self.repeatAge = repeatAge
        self.zeroByAge = zeroByAge
        self.customers = Double(summary.count)
    }

    /// −(1/N) Σ ln L at exp(logParameters) = (r, α, a, b), with time in units of 1/perDay days;
    /// fills the gradient with respect to the log-parameters.
    func negativeMeanLogLikelihood(logParameters theta: [Double], perDay: Double, gradient: inout [Double]) -> Double {
        let r = exp(theta[0]), alpha = exp(theta[1]), a = exp(theta[2]), b = exp(theta[3])
        // ln(α + t) and 1/(α + t) for every day count t.
        var logTime = [Double](repeating: 0, count: maxDay + 1)
        var inverseTime = [Double](repeating: 0, count: maxDay + 1)
        for day in 0...maxDay {
            let value = alpha + Double(day) * perDay
            logTime[day] = log(value)
            inverseTime[day] = 1 / value
        }
        // Per distinct x: the constant part of ln L and of each partial derivative.
        let logAlpha = log(alpha)
        let lgR = Special.logGamma(r), lgB = Special.logGamma(b), lgAB = Special.logGamma(a + b)
        let psiR = Special.digamma(r), psiB = Special.digamma(b), psiAB = Special.digamma(a + b)
        let logA = log(a)
        var constant = [Double](repeating: 0, count: xs.count)
        var a4Constant = [Double](repeating: 0, count: xs.count)
        var sumLL = 0.0, dR = 0.0, dAlpha = 0.0, dA = 0.0, dB = 0.0
        for (k, xi) in xs.enumerated() {
            let x = Double(xi)
            let count = xCount[k]
            constant[k] = Special.logGamma(r + x) - lgR + r * logAlpha + lgAB + Special.logGamma(b + x) - lgB - Special.logGamma(a + b + x)
            a4Constant[k] = xi > 0 ? logA - log(b + x - 1) : -Double.infinity
            sumLL += count * constant[k]
            dR += count * (Special.digamma(r + x) - psiR + logAlpha)
            dAlpha += count * r / alpha
            let psiABX = Special.digamma(a + b + x)
            dA += count * (psiAB - psiABX)
            dB += count * (psiAB + Special.digamma(b + x) - psiB - psiABX)
        }
        // Customers without repeats: ln L = constant − r ln(α + T).
        for day in 0...maxDay where zeroByAge[day] > 0 {
            let count = zeroByAge[day]
            sumLL -= count * r * logTime[day]
            dR -= count * logTime[day]
            dAlpha -= count * r * inverseTime[day]
        }
        // Repeat buyers: ln L = constant + ln(e^A3 + e^A4), weighted by w3 and w4 in the gradient.
        var w4ByX = [Double](repeating: 0, count: xs.count)
        for index in 0..<repeatX.count {
            let k = Int(repeatX[index])
            let x = Double(xs[k])
            let logAge = logTime[Int(repeatAge[index])]
            let logRecency = logTime[Int(repeatRecency[index])]
            let a3 = -(r + x) * logAge
            let a4 = a4Constant[k] - (r + x) * logRecency
            // ln(e^A3 + e^A4) = max + ln(1 + e^−|A3 − A4|): one exp and one log per customer.
            let smaller = exp(-abs(a3 - a4))
            sumLL += max(a3, a4) + log1p(smaller)
            let share = smaller / (1 + smaller)
            let w4 = a4 > a3 ? 1 - share : share
            let w3 = 1 - w4
            dR -= w3 * logAge + w4 * logRecency
            dAlpha -= (r + x) * (w3 * inverseTime[Int(repeatAge[index])] + w4 * inverseTime[Int(repeatRecency[index])])
            w4ByX[k] += w4
        }
        for (k, xi) in xs.enumerated() where xi > 0 {
            dA += w4ByX[k] / a
            dB -= w4ByX[k] / (b + Double(xi) - 1)
        }
        // d/dθ = p · d/dp, and the mean of the negative.
        gradient[0] = -dR * r / customers
        gradient[1] = -dAlpha * alpha / customers
        gradient[2] = -dA * a / customers
        gradient[3] = -dB * b / customers
        return -sumLL / customers
    }
}
