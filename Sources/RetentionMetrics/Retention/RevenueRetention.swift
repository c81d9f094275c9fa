import RetentionKit

/// How much of the revenue of existing customers a period kept: revenue churn and net revenue
/// retention (NRR).
///
/// The base is every customer at the period's start (under the ``CustomerDefinition``) and what
/// each spent in the equally long window just before it. For each of them the period's revenue
/// is compared with that: what fell short is churned revenue (lost and contracted), what grew
/// is expansion. Revenue churn = churned ÷ base × 100; NRR = (base − churned + expansion) ÷
/// base × 100, which exceeds 100 when expansion outweighs churn. New customers are not counted.
public struct RevenueRetention: Hashable, Sendable {
    /// The period's first day.
    public var start: Day
    /// The period's last day.
    public var end: Day
    /// Revenue of the base customers in the window before the period, in minor units.
    public var baseRevenue: Int64
    /// Their revenue in the period, in minor units.
    public var retainedRevenue: Int64
    /// Σ max(0, before − during) over the base customers, in minor units.
    public var churnedRevenue: Int64
    /// Σ max(0, during − before) over the base customers, in minor units.
    public var expansionRevenue: Int64

    /// churned ÷ base × 100, or nil without base revenue.
    public var revenueChurn: Double? { baseRevenue <= 0 ? nil : Double(churnedRevenue) / Double(baseRevenue) * 100 }
    /// retained ÷ base × 100, or nil without base revenue.
    public var netRevenueRetention: Double? { baseRevenue <= 0 ? nil : Double(retainedRevenue) / Double(baseRevenue) * 100 }

    public init(start: Day, end: Day, baseRevenue: Int64, retainedRevenue: Int64, churnedRevenue: Int64, expansionRevenue: Int64) {
        self.start = start
        self.end = end
        self.baseRevenue = baseRevenue
        self.retainedRevenue = retainedRevenue
        self.churnedRevenue = churnedRevenue
        self.expansionRevenue = expansionRevenue
    }
}

extension OrderHistory {
    /// Revenue churn and net revenue retention from `start` to `end` (both included).
    public func revenueRetention(from start: Day, to end: Day, counting definition: CustomerDefinition = .standard) throws(MetricsError)
        -> RevenueRetention
    {
        try validate(definition)
        guard start <= end else {
            throw MetricsError(.badArgument, "the period \(start.iso)…\(end.iso) ends before it starts; give the earlier day first")
        }
        let length = end.number - start.number + 1
        var base: Int64 = 0, retained: Int64 = 0, churned: Int64 = 0, expansion: Int64 = 0
        for customer in 0..<customerCount where isCustomer(customer, on: start.number, definition) {
            let before = revenue(of: customer, from: start.number - length, to: start.number - 1)
            let during = revenue(of: customer, from: start.number, to: end.number)
            base += before
            retained += during
            if during < before { churned += before - during } else { expansion += during - before }
        }
        return RevenueRetention(
            start: start, end: end, baseRevenue: base, retainedRevenue: retained, churnedRevenue: churned, expansionRevenue: expansion)
    }
}
