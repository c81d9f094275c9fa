/// What applying an event did.
public enum EventOutcome: Hashable, Sendable {
    /// Applied; the decisions it produced.
    case applied(Decisions)
    /// An event with this id was seen before (applied or rejected); nothing changed.
    case duplicate
    /// Refused whole, with the reason; nothing changed.
    case rejected(EngineError)

    /// The decisions, when the event was applied.
    public var decisions: Decisions? {
        if case .applied(let decisions) = self { decisions } else { nil }
    }
}

/// The decisions one event produced, with their explanation.
///
/// Besides the event's own effects, they include what time brought for the customers the event
/// touched (birthdays, tier reviews that fell due since their last event), and for a `clock`
/// event, for every customer with something due.
public struct Decisions: Hashable, Sendable {
    /// Ledger entries appended, for every customer the event touched, in order.
    public var entries: [CustomerEntry]
    /// Tier changes, in order.
    public var tierChanges: [TierChange]
    /// Segments customers joined or left.
    public var segmentChanges: [SegmentChange]
    /// Campaigns to start: the outbox entries of this event.
    public var campaignActions: [CampaignAction]
    /// Campaign actions held out (the control group) or stopped by a guardrail, with why; not
    /// in the outbox.
    public var withheldActions: [WithheldAction] = []
    /// Which rules ran and what each decided, including why a rule awarded nothing.
    public var explanation: [RuleOutcome]
    /// Where a limit, a budget or a tier multiplier changed what a rule awarded.
    public var adjustments: [AwardAdjustment]
    /// What the engine itself decided and why, where no rule did ("the referral waits for
    /// order 1001 to be paid").
    public var notes: [String]

    public init(
        entries: [CustomerEntry] = [], tierChanges: [TierChange] = [], segmentChanges: [SegmentChange] = [],
        campaignActions: [CampaignAction] = [], explanation: [RuleOutcome] = [], adjustments: [AwardAdjustment] = [],
        notes: [String] = []
    ) {
        self.entries = entries
        self.tierChanges = tierChanges
        self.segmentChanges = segmentChanges
        self.campaignActions = campaignActions
        self.explanation = explanation
        self.adjustments = adjustments
        self.notes = notes
    }

    /// Adds `other`'s decisions after these.
    public mutating func append(_ other: Decisions) {
        entries += other.entries
        tierChanges += other.tierChanges
        segmentChanges += other.segmentChanges
        campaignActions += other.campaignActions
        withheldActions += other.withheldActions
        explanation += other.explanation
        adjustments += other.adjustments
        notes += other.notes
    }
}

/// A change the engine made to a rule's award, and why.
public struct AwardAdjustment: Hashable, Sendable {
    /// The customer.
    public var customerID: String
    /// The rule whose award changed.
    public var rule: String
    /// The award's reason ("purchase").
    public var reason: String
    /// What the rule awarded.
    public var requested: Points
    /// What the customer got.
    public var granted: Points
    /// Why ("the per-order limit of 500 points", "gold tier ×1.5", "awarded before: once per
    /// customer and tier").
    public var why: String

    public init(customerID: String, rule: String, reason: String, requested: Points, granted: Points, why: String) {
        self.customerID = customerID
        self.rule = rule
        self.reason = reason
        self.requested = requested
        self.granted = granted
        self.why = why
    }
}

/// A ledger entry and the customer whose ledger holds it.
public struct CustomerEntry: Hashable, Sendable {
    /// The customer.
    public var customerID: String
    /// The entry.
    public var entry: LedgerEntry
}

/// What one rule decided for one event.
public struct RuleOutcome: Hashable, Sendable {
    /// The customer the rule was asked about.
    public var customerID: String
    /// The type of event the rule was asked about (an engine-made `birthday` or `tier_changed`
    /// included).
    public var eventType: String
    /// The rule's name.
    public var rule: String
    /// The rule's version.
    public var version: String
    /// The awards.
    public var awards: [Award]
    /// Why it awarded nothing, when it did not.
    public var note: String?

    /// The note of a rule the engine did not ask, because its ``EarningRule/eventTypes`` (a
    /// plugin's `earn_on`) leave the event's type out; "not asked" and "asked, and nothing"
    /// differ.
    public static let notAskedNote = "not asked: the rule's event types (a plugin's earn_on) leave this event type out"
}

/// Why the engine refused an event. A refused event changes nothing; the next one goes on.
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case unknownCustomer, customerExists, unknownOrder, orderExists, currencyNotAccepted, orderClosed
            case invalidRefund, ledger, rule, outOfOrder, notSupported, referralRefused, invalidMerge, subscription
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The event names a customer the engine does not know.
        public static let unknownCustomer = Code(.unknownCustomer)
        /// customer_created for an id that exists.
        public static let customerExists = Code(.customerExists)
        /// The event names an order the customer does not have.
        public static let unknownOrder = Code(.unknownOrder)
        /// order_placed for an order id seen before.
        public static let orderExists = Code(.orderExists)
        /// The order's currency is not one the program accepts.
        public static let currencyNotAccepted = Code(.currencyNotAccepted)
        /// The order was cancelled or fully refunded already.
        public static let orderClosed = Code(.orderClosed)
        /// A refund or return the order cannot take: another currency, more than is left, or
        /// units of a product the order does not have left.
        public static let invalidRefund = Code(.invalidRefund)
        /// The ledger refused (for example a redemption larger than the balance).
        public static let ledger = Code(.ledger)
        /// A rule failed.
        public static let rule = Code(.rule)
        /// The event is older than the customer's latest event.
        public static let outOfOrder = Code(.outOfOrder)
        /// A referral the program does not accept: a self-referral, a customer referred before,
        /// not the referee's first order, or more referrals than the program allows in a period.
        public static let referralRefused = Code(.referralRefused)
        /// A merge the engine cannot make: a customer into themselves, a profile merged before,
        /// or two profiles with the same order id.
        public static let invalidMerge = Code(.invalidMerge)
        /// A subscription event the subscription cannot take: an unknown or existing id, or a
        /// change its state does not allow (renewing a cancelled one, resuming one not paused).
        public static let subscription = Code(.subscription)
        /// This version of the engine does not apply this kind of event yet.
        public static let notSupported = Code(.notSupported)
    }

    /// What kind of problem it is.
    public var code: Code
    /// The event refused.
    public var eventID: String
    /// What was wrong and what to do about it.
    public var message: String
    /// For a ``Code-swift.struct/rule`` failure: the rule, tier policy, segment or trigger that
    /// failed (a Lua plugin's name, for plugins).
    public var rule: String?

    public init(_ code: Code, eventID: String, message: String, rule: String? = nil) {
        self.code = code
        self.eventID = eventID
        self.message = message
        self.rule = rule
    }

    public var description: String { "event \(eventID): \(message)" }
}

/// An error a rule throws that names where it came from: a Lua plugin's errors name the plugin,
/// which the engine then records as the failing ``EngineError/rule``.
public protocol RuleFailure: Error {
    /// The name of the rule (or plugin) the error came from, when it knows.
    var ruleName: String? { get }
}

extension Error {
    /// The rule an error names, or `fallback`.
    func ruleName(or fallback: String) -> String { (self as? any RuleFailure)?.ruleName ?? fallback }
}
