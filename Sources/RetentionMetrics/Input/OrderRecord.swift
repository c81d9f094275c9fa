import RetentionKit

/// One order as the metrics see it: who placed it, on which day, for how much, and what became
/// of it afterwards (cancelled, refunded in part or whole).
///
/// Orders come from a store's export, from the engine's event log or from any other source: the
/// metrics need no database and no engine.
///
/// ```swift
/// let order = OrderRecord(
///     id: "1001", customerID: "c-42", day: try Day(iso: "2026-03-14"),
///     total: Money(minorUnits: 4_500, currency: .usd),
///     refunds: [OrderRecord.Refund(day: try Day(iso: "2026-03-20"), amount: 1_000)],
///     channel: "web")
/// ```
public struct OrderRecord: Hashable, Sendable {
    /// The order's id, unique within the store (errors name it).
    public var id: String
    /// The customer who placed it.
    public var customerID: String
    /// The day it was placed.
    public var day: Day
    /// What the customer paid, in minor units of its currency (after discounts, with shipping
    /// and tax as the store reports its totals).
    public var total: Money
    /// True when the order was cancelled (it then never counts).
    public var isCancelled: Bool
    /// Refunds and returns against it, each in minor units of the order's currency.
    public var refunds: [OrderRecord.Refund]
    /// The sales channel ("web", "pos", "app"…), for cutting metrics by channel.
    public var channel: String?
    /// What it bought by product category, for cutting metrics by category. May be empty.
    public var lines: [OrderRecord.Line]
    /// True for a test order placed by the merchant's staff.
    public var isTest: Bool

    public init(
        id: String, customerID: String, day: Day, total: Money, isCancelled: Bool = false,
        refunds: [OrderRecord.Refund] = [], channel: String? = nil, lines: [OrderRecord.Line] = [], isTest: Bool = false
    ) {
        self.id = id
        self.customerID = customerID
        self.day = day
        self.total = total
        self.isCancelled = isCancelled
        self.refunds = refunds
        self.channel = channel
        self.lines = lines
        self.isTest = isTest
    }

    /// The sum of the refunds, in minor units.
    public var refunded: Int64 { refunds.reduce(0) { $0 + $1.amount } }
}

extension OrderRecord {
    /// Money paid back on an order: a refund, or the value of returned goods.
    public struct Refund: Hashable, Sendable {
        /// The day the money went back.
        public var day: Day
        /// How much, in minor units of the order's currency (positive).
        public var amount: Int64

        public init(day: Day, amount: Int64) {
            self.day = day
            self.amount = amount
        }
    }

    /// The part of an order spent in one product category.
    public struct Line: Hashable, Sendable {
        /// The product category ("coffee", "equipment"…).
        public var category: String
        /// What the lines of that category came to, in minor units.
        public var amount: Int64

        public init(category: String, amount: Int64) {
            self.category = category
            self.amount = amount
        }
    }
}
