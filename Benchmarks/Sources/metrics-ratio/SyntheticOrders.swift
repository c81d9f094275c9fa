import Foundation
import RetentionKit

/// SplitMix64, so the synthetic store is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
    mutating func normal() -> Double { sqrt(-2 * log(uniform())) * cos(2 * Double.pi * uniform()) }
    /// Gamma(shape, rate): Marsaglia & Tsang, boosted below shape 1.
    mutating func gamma(shape: Double, rate: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1, rate: rate) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            if log(uniform()) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / rate }
        }
    }
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a, rate: 1), y = gamma(shape: b, rate: 1)
        return x / (x + y)
    }
}

/// The raw order log of a synthetic store, as columns: customers draw purchase times from the
/// BG/NBD model (r 1.2, α 70 days, a 0.5, b 4) and each purchase's value from the Gamma-Gamma
/// model (p 6, q 4, γ $15), with first purchases spread over two years and a third year observed.
/// Some days have two orders (a second, smaller basket), so orders outnumber purchase days. The
/// log is in day order, as an export is.
struct SyntheticOrders {
    var customerIDs: [String] = []
    var days: [Day] = []
    var cents: [Int64] = []
    let start = Day(year: 2022, month: 1, day: 1)!
    var observationEnd: Day { start + 1095 }

    init(customers: Int, seed: UInt64 = 20_260_101) {
        var random = SeededGenerator(state: seed)
        customerIDs.reserveCapacity(customers * 8)
        days.reserveCapacity(customers * 8)
        cents.reserveCapacity(customers * 8)
        for customer in 0..<customers {
            let id = "c\(customer)"
            let lambda = random.gamma(shape: 1.2, rate: 70)
            let dropout = random.beta(0.5, 4)
            let nu = random.gamma(shape: 4, rate: 15)
            let first = start + Int(random.uniform() * 730)
            let age = Double(observationEnd - first)
            // Alive after the first purchase; after each repeat purchase, gone with probability p.
            var time = 0.0
            while true {
                let day = first + Int(time)
                let dollars = random.gamma(shape: 6, rate: nu)
                append(id, day, max(1, Int64((dollars * 100).rounded())))
                if random.uniform() < 0.15 { append(id, day, max(1, Int64((dollars * 30).rounded()))) }
                if time > 0 && random.uniform() < dropout { break }
                time += -log(random.uniform()) / lambda
                if time > age { break }
            }
        }
        sortByDay()
    }

    /// Puts the log in day order, as a store's export comes (not grouped by customer).
    mutating func sortByDay() {
        let order = days.indices.sorted { days[$0] < days[$1] }
        customerIDs = order.map { customerIDs[$0] }
        days = order.map { days[$0] }
        cents = order.map { cents[$0] }
    }

    private mutating func append(_ id: String, _ day: Day, _ amount: Int64) {
        customerIDs.append(id)
        days.append(day)
        cents.append(amount)
    }

    var count: Int { days.count }

    /// Writes `customer_id,date,amount` (id without its "c", ISO date, amount in dollars) for the
    /// Python reference.
    func writeCSV(to path: String) throws {
        guard let file = fopen(path, "w") else { throw CocoaError(.fileWriteUnknown) }
        defer { fclose(file) }
        var line = "customer_id,date,amount\n"
        fputs(line, file)
        for index in 0..<count {
            let amount = cents[index]
            let fraction = amount % 100
            line = "\(customerIDs[index].dropFirst()),\(days[index].iso),\(amount / 100).\(fraction < 10 ? "0" : "")\(fraction)\n"
            fputs(line, file)
        }
    }
}
