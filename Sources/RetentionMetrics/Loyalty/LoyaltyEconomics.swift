import RetentionKit

/// Points that moved in a period, each as a positive number.
public struct PointsFlowTotals: Hashable, Sendable {
    /// Points awarded, including any that went to settle a debt.
    public var earned: Int64 = 0
    /// Points spent on rewards.
    public var redeemed: Int64 = 0
    /// Points that reached their expiry date (whether or not the ledger has recorded it yet) or
    /// lapsed for inactivity.
    public var expired: Int64 = 0
    /// Points taken back by reversals (cancellations, refunds, removed reviews).
    public var reversed: Int64 = 0
    /// Points added by manual adjustments.
    public var adjustedUp: Int64 = 0
    /// Points taken by manual adjustments.
    public var adjustedDown: Int64 = 0

    public init() {}
}

/// Points held at the end of a day, and what they are worth.
public struct PointsLiability: Hashable, Sendable {
    /// The day.
    public var day: Day
    /// Points customers can spend.
    public var available: Int64
    /// Points awarded but still in their return window.
    public var pending: Int64
    /// What ``outstanding`` points are worth at the ``PointValue`` given.
    public var worth: Money

    /// Available and pending points.
    public var outstanding: Int64 { available + pending }

    public init(day: Day, available: Int64, pending: Int64, value: PointValue) {
        self.day = day
        self.available = available
        self.pending = pending
        worth = value.worth(of: available + pending)
    }
}

/// The economics of a loyalty programme over a period: points issued and used, breakage and
/// redemption rates, and what the points still held are worth to customers, the store's
/// liability.
///
/// With 10,000 points earned in a year, 1,500 expired and 6,000 redeemed, breakage is 15% and
/// the redemption rate 60%; 2,500 points held at a cent each are a liability of 25.00.
public struct LoyaltyEconomics: Hashable, Sendable {
    /// The period's first day, or nil from the ledger's start.
    public var from: Day?
    /// The period's last day: the points held are those at its end.
    public var to: Day
    /// Points that moved in the period.
    public var flows: PointsFlowTotals
    /// Points held at the end of ``to``.
    public var held: PointsLiability

    /// Expired ÷ earned × 100 in the period (nil when nothing was earned).
    public var breakageRate: Double? { Self.percent(flows.expired, of: flows.earned) }
    /// Redeemed ÷ earned × 100 in the period (nil when nothing was earned).
    public var redemptionRate: Double? { Self.percent(flows.redeemed, of: flows.earned) }
    /// Points held at the end of the period (available and pending).
    public var outstanding: Int64 { held.outstanding }
    /// What the points held are worth.
    public var liability: Money { held.worth }

    public init(from: Day?, to: Day, flows: PointsFlowTotals, available: Int64, pending: Int64, value: PointValue) {
        self.from = from
        self.to = to
        self.flows = flows
        held = PointsLiability(day: to, available: available, pending: pending, value: value)
    }

    private static func percent(_ part: Int64, of whole: Int64) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole) * 100
    }
}
