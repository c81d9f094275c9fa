import RetentionKit

/// Customer retention over a period: CRR = ((E − N) ÷ S) × 100.
///
/// S is the number of customers at the start, N the number acquired during the period and E
/// the number at the end. With S = 500, N = 150 and E = 550 the rate is 80%, the churn 20%.
public struct RetentionRate: Hashable, Sendable {
    /// The period's first day.
    public var start: Day
    /// The period's last day.
    public var end: Day
    /// Customers on the first day (S).
    public var customersAtStart: Int
    /// Customers acquired after the first day, up to and including the last (N).
    public var acquired: Int
    /// Customers on the last day (E).
    public var customersAtEnd: Int

    /// ((E − N) ÷ S) × 100, or nil when there was no customer at the start.
    public var rate: Double? {
        customersAtStart == 0 ? nil : Double(customersAtEnd - acquired) / Double(customersAtStart) * 100
    }
    /// 100 − ``rate``.
    public var churn: Double? { rate.map { 100 - $0 } }

    public init(start: Day, end: Day, customersAtStart: Int, acquired: Int, customersAtEnd: Int) {
        self.start = start
        self.end = end
        self.customersAtStart = customersAtStart
        self.acquired = acquired
        self.customersAtEnd = customersAtEnd
    }
}

extension OrderHistory {
    /// Customer retention from `start` to `end` (both included).
    ///
    /// ```swift
    /// let q1 = try history.retentionRate(from: try Day(iso: "2026-01-01"), to: try Day(iso: "2026-03-31"))
    /// q1.rate     // ((E − N) ÷ S) × 100
    /// ```
    public func retentionRate(from start: Day, to end: Day, counting definition: CustomerDefinition = .standard) throws(MetricsError)
        -> RetentionRate
    {
        try validate(definition)
        guard start <= end else {
            throw MetricsError(.badArgument, "the period \(start.iso)…\(end.iso) ends before it starts; give the earlier day first")
        }
        var atStart = 0, atEnd = 0, acquired = 0
        for customer in 0..<customerCount {
            if isCustomer(customer, on: start.number, definition) { atStart += 1 }
            if isCustomer(customer, on: end.number, definition) { atEnd += 1 }
            if let first = acquisitionDay(of: customer, definition), first > start.number, first <= end.number { acquired += 1 }
        }
        return RetentionRate(start: start, end: end, customersAtStart: atStart, acquired: acquired, customersAtEnd: atEnd)
    }

    /// Retention for each period of a calendar grid (months, quarters, years) from `from` to `to`.
    public func retentionRates(
        from: Day, to: Day, by period: CalendarPeriod, counting definition: CustomerDefinition = .standard
    ) throws(MetricsError) -> [RetentionRate] {
        var rates: [RetentionRate] = []
        for range in try period.ranges(from: from, to: to) {
            rates.append(try retentionRate(from: range.lowerBound, to: range.upperBound, counting: definition))
        }
        return rates
    }
}
