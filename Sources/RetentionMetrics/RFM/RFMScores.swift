import RetentionKit

/// Named RFM segments, from the recency and frequency scores:
///
/// | R \ F | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|
/// | 5 | new | potential loyalists | potential loyalists | champions | champions |
/// | 4 | new | potential loyalists | potential loyalists | loyal | loyal |
/// | 3 | needs attention | needs attention | needs attention | loyal | loyal |
/// | 2 | hibernating | hibernating | at risk | at risk | cannot lose |
/// | 1 | lost | lost | at risk | at risk | cannot lose |
public enum RFMSegment: String, Hashable, Sendable, CaseIterable {
    case champions, loyal, potentialLoyalists = "potential_loyalists", new, needsAttention = "needs_attention"
    case atRisk = "at_risk", cannotLose = "cannot_lose", hibernating, lost

    /// The segment of a recency and a frequency score (each 1–5).
    public init(recency r: Int, frequency f: Int) {
        switch (r, f) {
        case (5, 4...5): self = .champions
        case (3...4, 4...5): self = .loyal
        case (4...5, 2...3): self = .potentialLoyalists
        case (4...5, _): self = .new
        case (3, _): self = .needsAttention
        case (_, 5): self = .cannotLose
        case (_, 3...4): self = .atRisk
        case (2, _): self = .hibernating
        default: self = .lost
        }
    }
}

/// Recency, frequency and monetary value of every customer, their quintile scores and segment.
///
/// Scores run from 1 (worst) to 5 (best): a customer's score is 1 + ⌊5 × (share of customers
/// strictly worse)⌋, so equal values share a score and each score holds about a fifth of the
/// customers when values are distinct. Recency is better when smaller; frequency (counted
/// orders) and monetary value (net revenue) when larger.
public struct RFMScores: Sendable {
    /// The day recency is counted to.
    public var asOf: Day
    public var customerIDs: [String]
    /// Days since the last counted order.
    public var recencyDays: [Int32]
    /// Counted orders.
    public var frequency: [Int32]
    /// Net revenue, in minor units.
    public var monetary: [Int64]
    public var recencyScore: [UInt8]
    public var frequencyScore: [UInt8]
    public var monetaryScore: [UInt8]
    public var segment: [RFMSegment]

    /// How many customers are in each segment.
    public var segmentSizes: [RFMSegment: Int] {
        var sizes: [RFMSegment: Int] = [:]
        for segment in segment { sizes[segment, default: 0] += 1 }
        return sizes
    }
}

extension OrderHistory {
    /// RFM over the orders placed up to and including `asOf`, for every customer who bought by then.
    public func rfm(asOf: Day) -> RFMScores {
        var ids: [String] = [], recency: [Int32] = [], frequency: [Int32] = [], monetary: [Int64] = []
        for customer in 0..<customerCount {
            var count: Int32 = 0, total: Int64 = 0, last: Int32 = 0
            for index in orders(of: customer) {
                let day = orderDay[index]
                if day > asOf.number { break }
                count += 1
                total += orderRevenue[index]
                last = day
            }
            guard count > 0 else { continue }
            ids.append(customerIDs[customer])
            recency.append(asOf.number - last)
            frequency.append(count)
            monetary.append(total)
        }
        // Smaller recency is better: score its negation.
        let r = Self.quintileScores(recency.map { -Int64($0) })
        let f = Self.quintileScores(frequency.map { Int64($0) })
        let m = Self.quintileScores(monetary)
        let segments = zip(r, f).map { RFMSegment(recency: Int($0), frequency: Int($1)) }
        return RFMScores(
            asOf: asOf, customerIDs: ids, recencyDays: recency, frequency: frequency, monetary: monetary,
            recencyScore: r, frequencyScore: f, monetaryScore: m, segment: segments)
    }

    /// 1 + ⌊5 × (values strictly below) ÷ n⌋ for each value.
    static func quintileScores(_ values: [Int64]) -> [UInt8] {
        let n = values.count
        guard let low = values.min(), let high = values.max() else { return [] }
        // Day counts and order counts span a small range: count them instead of sorting.
        if high - low < 4 * Int64(n) + 1_024 {
            var below = [Int](repeating: 0, count: Int(high - low) + 2)
            for value in values { below[Int(value - low) + 1] += 1 }
            for index in 1..<below.count { below[index] += below[index - 1] }
            return values.map { UInt8(1 + (5 * below[Int($0 - low)]) / n) }
        }
        let sorted = values.sorted()
        return values.map { value in
            var low = 0, high = n
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < value { low = middle + 1 } else { high = middle }
            }
            return UInt8(1 + (5 * low) / n)
        }
    }
}
