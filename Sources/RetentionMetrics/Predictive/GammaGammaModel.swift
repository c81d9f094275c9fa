#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma spend model's parameters (Fader, Hardie & Lee 2005, "RFM and CLV: using
/// iso-value curves"; Fader & Hardie, "The Gamma-Gamma model of monetary value", 2013): each
/// purchase's value is Gamma(p, ν), and ν varies across customers as Gamma(q, γ).
///
/// `v` (γ) is in major units of the currency; `p` and `q` have no unit. The mean spend per
/// purchase is finite only for q > 1.
///
/// ```swift
/// let spend = GammaGammaParameters(p: 6.25, q: 3.74, v: 15.44)
/// spend.expectedAverageValue(frequency: 3, monetary: 42.5)
/// ```
public struct GammaGammaParameters: Hashable, Sendable {
    public var p: Double
    public var q: Double
    public var v: Double

    public init(p: Double, q: Double, v: Double) {
        self.p = p
        self.q = q
        self.v = v
    }

    /// E[M | x, m̄] = (p (v + x m̄)) ÷ (p x + q − 1): the expected value of this customer's future
    /// purchases, from `frequency` repeat purchases averaging `monetary`. With no repeats it is
    /// the population mean p v ÷ (q − 1).
    public func expectedAverageValue(frequency x: Int, monetary m: Double) -> Double {
        let xd = Double(x)
        return p * (v + xd * m) / (p * xd + q - 1)
    }

    /// ln L for one customer with x ≥ 1 repeat purchases averaging m > 0.
    public func logLikelihood(frequency x: Int, monetary m: Double) -> Double {
        let xd = Double(x)
        return Special.logGamma(p * xd + q) - Special.logGamma(p * xd) - Special.logGamma(q) + q * log(v)
            + (p * xd - 1) * log(m) + p * xd * log(xd) - (p * xd + q) * log(xd * m + v)
    }
}

extension PurchaseSummary {
    /// Fits the Gamma-Gamma model by maximum likelihood on the customers with at least one repeat
    /// purchase and a positive average (the model's definition leaves out the first purchase).
    ///
    /// Amounts are divided by their mean for the search (ν scales with the amounts; p and q do
    /// not) and the search runs over ln p, ln q, ln ν from 1, 1, 1 by BFGS with the exact gradient.
    public func fitGammaGamma() throws(MetricsError) -> ModelFit<GammaGammaParameters> {
        let likelihood = GammaGammaLikelihood(self)
        guard likelihood.customers > 0 else {
            throw MetricsError(.notEnoughData, "no customer has a repeat purchase of positive value by \(observationEnd.iso): the Gamma-Gamma model fits repeat spend only")
        }
        let search = BFGS().minimise(from: [0, 0, 0]) { theta, gradient in
            likelihood.negativeMeanLogLikelihood(logParameters: theta, amountScale: likelihood.meanAmount, gradient: &gradient)
        }
        let fitted = search.point.map { exp($0) }
        let parameters = GammaGammaParameters(p: fitted[0], q: fitted[1], v: fitted[2] * likelihood.meanAmount)
        var unused = [Double](repeating: 0, count: 3)
        let mean = likelihood.negativeMeanLogLikelihood(
            logParameters: [log(parameters.p), log(parameters.q), log(parameters.v)], amountScale: 1, gradient: &unused)
        guard search.convergence.converged, mean.isFinite else {
            throw MetricsError(.didNotConverge, "the Gamma-Gamma fit did not converge after \(search.convergence.iterations) iterations (largest gradient \(search.convergence.gradientNorm))")
        }
        return ModelFit(
            parameters: parameters, logLikelihood: -mean * likelihood.customers, customers: Int(likelihood.customers),
            convergence: search.convergence)
    }
}

/// The Gamma-Gamma log-likelihood and gradient, with the terms in x computed once per distinct x.
struct GammaGammaLikelihood {
    let xs: [Int32]
    let xCount: [Double]
    /// Σ ln m per distinct x.
    let sumLogAmount: [Double]
    /// Repeat buyers: index into `xs` and m.
    let customerX: [Int32]
    let amount: [Double]
    let customers: Double
    let meanAmount: Double

    init(_ summary: PurchaseSummary) {
        let maxX = Int(summary.frequency.max() ?? 0)
        var slot = [Int32](repeating: -1, count: maxX + 1)
        var xs: [Int32] = [], xCount: [Double] = [], sumLog: [Double] = []
        var customerX: [Int32] = [], amount: [Double] = []
        for index in 0..<summary.count where summary.frequency[index] > 0 && summary.monetary[index] > 0 {
            let x = Int(summary.frequency[index])
            if slot[x] < 0 {
                slot[x] = Int32(xs.count)
                xs.append(Int32(x))
                xCount.append(0)
                sumLog.append(0)
            }
            customerX.append(slot[x])
            amount.append(summary.monetary[index])
        }
        let meanAmount = amount.isEmpty ? 1 : amount.reduce(0, +) / Double(amount.count)
        for (index, m) in amount.enumerated() {
            let k = Int(customerX[index])
            xCount[k] += 1
            sumLog[k] += log(m)
        }
        self.xs = xs
        self.xCount = xCount
        self.sumLogAmount = sumLog
        self.customerX = customerX
        self.amount = amount
        self.customers = Double(amount.count)
        self.meanAmount = meanAmount
    }

    /// −(1/N) Σ ln L at (p, q, ν) = exp(logParameters), with every m divided by `amountScale`;
    /// fills the gradient with respect to the log-parameters.
    func negativeMeanLogLikelihood(logParameters theta: [Double], amountScale: Double, gradient: inout [Double]) -> Double {
        let p = exp(theta[0]), q = exp(theta[1]), v = exp(theta[2])
        let logScale = log(amountScale)
        var sumLL = 0.0, dP = 0.0, dQ = 0.0, dV = 0.0
        var sumLogTotal = [Double](repeating: 0, count: xs.count)
        var sumInverseTotal = [Double](repeating: 0, count: xs.count)
        let inverseScale = 1 / amountScale
        for index in 0..<amount.count {
            let k = Int(customerX[index])
            let total = Double(xs[k]) * amount[index] * inverseScale + v
            sumLogTotal[k] += log(total)
            sumInverseTotal[k] += 1 / total
        }
        let lgQ = Special.logGamma(q), psiQ = Special.digamma(q), logV = log(v)
        for (k, xi) in xs.enumerated() {
            let x = Double(xi)
            let n = xCount[k]
            let px = p * x
            let sumLogM = sumLogAmount[k] - n * logScale
            sumLL += n * (Special.logGamma(px + q) - Special.logGamma(px) - lgQ + q * logV + px * log(x))
                + (px - 1) * sumLogM - (px + q) * sumLogTotal[k]
            let psiPXQ = Special.digamma(px + q)
            dP += n * x * (psiPXQ - Special.digamma(px) + log(x)) + x * sumLogM - x * sumLogTotal[k]
            dQ += n * (psiPXQ - psiQ + logV) - sumLogTotal[k]
            dV += n * q / v - (px + q) * sumInverseTotal[k]
        }
        gradient[0] = -dP * p / customers
        gradient[1] = -dQ * q / customers
        gradient[2] = -dV * v / customers
        return -sumLL / customers
    }
}
