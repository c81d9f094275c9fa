import RetentionKit
import RetentionMetrics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A day from its ISO text (test data only).
func day(_ iso: String) -> Day {
    guard let parsed = try? Day(iso: iso) else { preconditionFailure("bad test day \(iso)") }
    return parsed
}

/// An order in USD for tests: amounts in cents.
func order(
    _ id: String, _ customer: String, _ iso: String, _ cents: Int64, cancelled: Bool = false, refunds: [OrderRecord.Refund] = [],
    channel: String? = nil, lines: [OrderRecord.Line] = [], test: Bool = false
) -> OrderRecord {
    OrderRecord(
        id: id, customerID: customer, day: day(iso), total: Money(minorUnits: cents, currency: .usd), isCancelled: cancelled,
        refunds: refunds, channel: channel, lines: lines, isTest: test)
}

/// SplitMix64: a small seeded generator, so synthetic data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1).
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    mutating func normal() -> Double {
        sqrt(-2 * log(uniform())) * cos(2 * Double.pi * uniform())
    }

    /// Gamma(shape, rate) by Marsaglia & Tsang (2000), with the boost for shape < 1.
    mutating func gamma(shape: Double, rate: Double) -> Double {
        if shape < 1 {
            return gamma(shape: shape + 1, rate: rate) * pow(uniform(), 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / rate }
        }
    }

    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a, rate: 1), y = gamma(shape: b, rate: 1)
        return x / (x + y)
    }

    mutating func exponential(rate: Double) -> Double { -log(uniform()) / rate }
}

/// A synthetic store drawn from the BG/NBD model (purchase days) and the Gamma-Gamma model (the
/// value of each purchase), with known parameters, as orders in USD.
///
/// Each customer's first purchase falls uniformly in the first `spreadDays` days after
/// `start`; the store is observed until `start + spreadDays + observedDays`.
func syntheticStore(
    customers: Int, purchases: BetaGeoParameters, spend: GammaGammaParameters, start: Day, spreadDays: Int, observedDays: Int,
    seed: UInt64
) -> (orders: [OrderRecord], observationEnd: Day) {
    var random = SeededGenerator(seed: seed)
    var orders: [OrderRecord] = []
    let end = start + spreadDays + observedDays
    for customer in 0..<customers {
        let lambda = random.gamma(shape: purchases.r, rate: purchases.alpha)   // purchases per day
        let dropout = random.beta(purchases.a, purchases.b)
        let nu = random.gamma(shape: spend.q, rate: spend.v)
        let first = start + Int(random.uniform() * Double(spreadDays))
        let age = Double(end - first)
        var time = 0.0
        var times = [0.0]
        // Alive after the first purchase; after each repeat purchase, gone with probability p.
        while true {
            time += random.exponential(rate: lambda)
            if time > age { break }
            times.append(time)
            if random.uniform() < dropout { break }
        }
        for (index, time) in times.enumerated() {
            let dollars = random.gamma(shape: spend.p, rate: nu)
            let cents = max(1, Int64((dollars * 100).rounded()))
            orders.append(
                OrderRecord(
                    id: "\(customer)-\(index)", customerID: "c\(customer)", day: first + Int(time),
                    total: Money(minorUnits: cents, currency: .usd)))
        }
    }
    return (orders, end)
}
