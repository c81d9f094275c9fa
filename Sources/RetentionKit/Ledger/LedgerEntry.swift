/// One line of a customer's points ledger. Entries are never edited or deleted: a correction is
/// a new entry.
public struct LedgerEntry: Hashable, Sendable, Codable {
    /// What the entry did.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// Points awarded (pending until ``LedgerEntry/availableOn``, then available).
        case earned
        /// Points spent on a reward.
        case redeemed
        /// Points that reached their last day, or lapsed for inactivity.
        case expired
        /// Points taken back because what earned them was cancelled, refunded or removed.
        case reversed
        /// A manual correction, up or down.
        case adjusted
        /// Two profiles of one person were merged: the merged account's points (less its debt)
        /// left it (negative) and arrived in the survivor's (positive), lots, expiry dates and
        /// awards unchanged.
        case transferred
    }

    /// Unique within the account: applying an entry with a key already present changes nothing.
    public var key: String
    /// What the entry did.
    public var kind: Kind
    /// The change to the customer's points: positive for earned and upward adjustments, negative
    /// otherwise. For a reversal, what was actually taken (see ``shortfall``).
    public var points: Points
    /// The day it took effect.
    public var day: Day
    /// What caused it.
    public var source: LedgerSource
    /// For earned points: the day they become available (the same day when not pending).
    public var availableOn: Day?
    /// For earned points: the last day they can be used, or nil when they never expire.
    public var lastDay: Day?
    /// For earned points: how many of them went to settle an earlier debt.
    public var settledDebt: Points
    /// For a reversal: the key of the earned entry it reverses.
    public var reverses: String?
    /// For a reversal: points it could not take. Under ``LedgerPolicy/Reversal-swift.enum/recordDebt``
    /// they became debt; under ``LedgerPolicy/Reversal-swift.enum/pendingOnly`` they were forgiven.
    public var shortfall: Points
    /// The earned entries whose points this entry used up (for a transfer: moved), and how
    /// many from each.
    public var lots: [LotUse]
    /// For a transfer: the debt that moved with the points (counted in ``points``).
    public var debtMoved: Points = .zero
}

/// Points taken from one earned entry.
public struct LotUse: Hashable, Sendable, Codable {
    /// The key of the earned (or upward adjusted) entry.
    public var lot: String
    /// How many of that entry's points were used.
    public var points: Points

    public init(lot: String, points: Points) {
        self.lot = lot
        self.points = points
    }
}

/// What caused a ledger entry: the event, the rule, and for purchases the order and its lines.
public struct LedgerSource: Hashable, Sendable, Codable {
    /// The event's id.
    public var eventID: String
    /// The rule that made the decision (a plugin or built-in rule), when one did.
    public var rule: String?
    /// The rule's version.
    public var ruleVersion: String?
    /// The order, for purchase awards and their reversals.
    public var orderID: String?
    /// The order lines (SKUs) the points were earned on.
    public var lines: [String]
    /// A reason a person can read ("purchase", "review with photo", "reward: free coffee").
    public var reason: String

    public init(
        eventID: String, rule: String? = nil, ruleVersion: String? = nil, orderID: String? = nil, lines: [String] = [],
        reason: String
    ) {
        self.eventID = eventID
        self.rule = rule
        self.ruleVersion = ruleVersion
        self.orderID = orderID
        self.lines = lines
        self.reason = reason
    }
}
