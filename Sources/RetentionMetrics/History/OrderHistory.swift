import RetentionKit

/// A store's orders made ready for the metrics: cleaned by the ``HygieneRules``, limited to a
/// ``Cut`` if one is given, in one currency, and grouped by customer in day order.
///
/// Build it once and compute every metric from it; it is a value and can be shared across threads.
///
/// ```swift
/// let history = try OrderHistory(orders: orders, customers: profiles, currency: .usd)
/// let retention = try history.retentionRate(from: try Day(iso: "2026-01-01"), to: try Day(iso: "2026-03-31"))
/// print(retention.rate)        // 80.0
/// ```
///
/// For millions of orders, append them one by one to a ``Builder`` instead of building an
/// array of ``Order`` values first.
public struct OrderHistory: Sendable {
    /// The currency every amount is in.
    public let currency: Currency
    /// The rules the orders were cleaned by.
    public let rules: HygieneRules
    /// What the rules and the cut left out.
    public let report: HygieneReport
    /// The customers, by index: each has at least one counted order or subscription span.
    public let customerIDs: [String]

    /// `orderStart[c]..<orderStart[c + 1]` are customer c's orders, in day order.
    let orderStart: [Int]
    let orderDay: [Int32]
    /// Net revenue of each order, in minor units.
    let orderRevenue: [Int64]
    /// Refunds counted in the period they happened (only when `refundsToOrderPeriod` is off).
    let adjustmentStart: [Int]
    let adjustmentDay: [Int32]
    let adjustmentAmount: [Int64]
    /// Subscription spans by customer, `end` Int32.max while running.
    let spanStart: [Int]
    let spanBegin: [Int32]
    let spanEnd: [Int32]
    /// Loyalty membership by customer.
    let isMember: [Bool]
    /// The survivor's id by the id of each profile merged into it by e-mail.
    let survivorOf: [String: String]

    /// How many customers there are.
    public var customerCount: Int { customerIDs.count }
    /// How many orders count.
    public var orderCount: Int { orderDay.count }

    /// Builds the history from an array of orders (see ``Builder`` for the arguments).
    public init(
        orders: [OrderRecord], customers: [CustomerDetails] = [], subscriptions: [SubscriptionSpan] = [],
        currency: Currency, rules: HygieneRules = HygieneRules(), cut: Cut? = nil
    ) throws(MetricsError) {
        var builder = Builder(currency: currency, customers: customers, subscriptions: subscriptions, rules: rules, cut: cut)
        builder.reserveCapacity(orders.count)
        for order in orders { try builder.append(order) }
        self = builder.build()
    }

    init(
        currency: Currency, rules: HygieneRules, report: HygieneReport, customerIDs: [String],
        orderStart: [Int], orderDay: [Int32], orderRevenue: [Int64],
        adjustmentStart: [Int], adjustmentDay: [Int32], adjustmentAmount: [Int64],
        spanStart: [Int], spanBegin: [Int32], spanEnd: [Int32], isMember: [Bool], survivorOf: [String: String]
    ) {
        self.currency = currency
        self.rules = rules
        self.report = report
        self.customerIDs = customerIDs
        self.orderStart = orderStart
        self.orderDay = orderDay
        self.orderRevenue = orderRevenue
        self.adjustmentStart = adjustmentStart
        self.adjustmentDay = adjustmentDay
        self.adjustmentAmount = adjustmentAmount
        self.spanStart = spanStart
        self.spanBegin = spanBegin
        self.spanEnd = spanEnd
        self.isMember = isMember
        self.survivorOf = survivorOf
    }

    /// Customer c's orders, as indexes into the order columns.
    func orders(of customer: Int) -> Range<Int> { orderStart[customer]..<orderStart[customer + 1] }

    /// The id a profile is counted under: its own, or, when ``HygieneRules/mergeDuplicateProfiles``
    /// merged it into an earlier profile with the same e-mail, that profile's.
    public func survivor(of id: String) -> String { survivorOf[id] ?? id }

    /// The index of the customer with this id (after merging), if any order or span counts.
    public func customerIndex(of id: String) -> Int? { customerIDs.firstIndex(of: id) }

    /// The day of the customer's first counted order, if any.
    func firstOrderDay(of customer: Int) -> Int32? {
        let range = orders(of: customer)
        return range.isEmpty ? nil : orderDay[range.lowerBound]
    }

    /// Revenue (net, in minor units) of the customer's orders placed in `from...to`, plus refunds
    /// that happened in it when refunds are counted in their own period.
    func revenue(of customer: Int, from: Int32, to: Int32) -> Int64 {
        var total: Int64 = 0
        for index in orders(of: customer) {
            let day = orderDay[index]
            if day > to { break }
            if day >= from { total += orderRevenue[index] }
        }
        if !adjustmentDay.isEmpty {
            for index in adjustmentStart[customer]..<adjustmentStart[customer + 1] {
                let day = adjustmentDay[index]
                if day >= from && day <= to { total += adjustmentAmount[index] }
            }
        }
        return total
    }

    /// The amount in major units of the currency (for models and reports, never for sums).
    func major(_ minorUnits: Int64) -> Double { Double(minorUnits) / Double(currency.minorUnitsPerMajor) }
}
