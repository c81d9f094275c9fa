/// Decides which tier a customer qualifies for. The engine asks it on every event that touches
/// a customer and when time passes (see ``Engine``), and applies the program's
/// ``TierDowngrade`` policy to the answer; the policy itself keeps no state.
///
/// The built-in policy is ``SpendTiers``; the Lua layer implements the same protocol for
/// merchants' scripts.
public protocol TierPolicy: Sendable {
    /// Named in tier changes.
    var name: String { get }
    /// Recorded on tier changes, so a change of rules shows.
    var version: String { get }
    /// Every tier, lowest first. A customer holds one of them, or none.
    var tiers: [String] { get }
    /// What a tier multiplies points earned on order lines by, in percent (150 earns 1.5×).
    func earnMultiplierPercent(for tier: String) -> Int64
    /// The tier `customer` qualifies for now. `customer.tier` is the tier held, so a policy can
    /// apply a lower threshold to keep a tier than to enter it.
    func assess(_ customer: CustomerView) throws -> TierAssessment
}

extension TierPolicy {
    /// No multiplier.
    public func earnMultiplierPercent(for tier: String) -> Int64 { 100 }
}

/// What a tier policy decided for a customer.
public struct TierAssessment: Hashable, Sendable {
    /// The tier the customer qualifies for; nil for none.
    public var tier: String?
    /// Why, in words a support team can read out ("612.00 USD in the last 365 days; gold starts
    /// at 500.00 USD").
    public var reason: String {
        get { explanation.text }
        set { explanation = .text(newValue) }
    }
    /// How far the customer is from the next tier and from losing this one, when the policy
    /// measures something.
    public var progress: TierProgress?
    /// The reason, put into words only when someone reads it (the engine assesses tiers on
    /// every event but reports a reason only when the tier changes).
    var explanation: Explanation

    public init(tier: String?, reason: String, progress: TierProgress? = nil) {
        self.tier = tier
        self.explanation = .text(reason)
        self.progress = progress
    }

    init(tier: String?, explanation: Explanation, progress: TierProgress?) {
        self.tier = tier
        self.explanation = explanation
        self.progress = progress
    }

    /// A policy that gave no reason: "<policy> says <tier>" (or "says no tier"), put into words
    /// only when read.
    package init(tier: String?, policySaying policy: String, progress: TierProgress? = nil) {
        self.init(tier: tier, explanation: .policySays(policy: policy, tier: tier), progress: progress)
    }

    enum Explanation: Hashable, Sendable {
        case text(String)
        case policySays(policy: String, tier: String?)
        /// "<figure> <window>; <tier> starts at <threshold>" or "... is kept from ...".
        case threshold(measure: TierMeasure, figure: Int64, window: QualificationWindow, tier: String, threshold: Int64, keeping: Bool)

        var text: String {
            switch self {
            case .text(let text):
                return text
            case .policySays(let policy, let tier):
                return tier.map { "\(policy) says \($0)" } ?? "\(policy) says no tier"
            case .threshold(let measure, let figure, let window, let tier, let threshold, let keeping):
                let rule = keeping ? "is kept from" : "starts at"
                return "\(measure.describe(figure)) \(window); \(tier) \(rule) \(measure.describe(threshold))"
            }
        }
    }
}

/// How far a customer is from the next tier, and from keeping the one they qualify for.
public struct TierProgress: Hashable, Sendable, Codable {
    /// What is measured.
    public var measure: TierMeasure
    /// The customer's figure in the qualification window (minor units for spend).
    public var current: Int64
    /// The tier above, if any.
    public var nextTier: String?
    /// How much more is needed to reach ``nextTier``.
    public var toNextTier: Int64?
    /// How much more is needed to keep the tier (0 when it is kept as things stand).
    public var toKeepTier: Int64?

    public init(measure: TierMeasure, current: Int64, nextTier: String?, toNextTier: Int64?, toKeepTier: Int64?) {
        self.measure = measure
        self.current = current
        self.nextTier = nextTier
        self.toNextTier = toNextTier
        self.toKeepTier = toKeepTier
    }
}

/// What a tier threshold counts, over the program's ``QualificationWindow``.
public enum TierMeasure: Hashable, Sendable, Codable {
    /// Money paid, net of refunds, in minor units of one currency (orders in other currencies
    /// do not count).
    case spend(Currency)
    /// Points earned.
    case pointsEarned
    /// Orders placed (cancelled ones excluded).
    case orders

    /// `value` in words: "612.00 USD", "1200 points", "3 orders".
    public func describe(_ value: Int64) -> String {
        switch self {
        case .spend(let currency): Money(minorUnits: value, currency: currency).description
        case .pointsEarned: "\(value) points"
        case .orders: value == 1 ? "1 order" : "\(value) orders"
        }
    }

    /// The customer's figure.
    public func value(of customer: CustomerView) -> Int64 {
        switch self {
        case .spend(let currency): customer.qualifyingSpend(in: currency)
        case .pointsEarned: customer.qualifyingPoints.value
        case .orders: Int64(customer.qualifyingOrderCount)
        }
    }
}

/// A tier's change for one customer: a decision, which rules can react to (the engine asks
/// the earning rules with a `tier_changed` event).
public struct TierChange: Hashable, Sendable, Codable {
    /// The customer.
    public var customerID: String
    /// The tier held before; nil for none.
    public var from: String?
    /// The tier held now; nil for none.
    public var to: String?
    /// Whether `to` is above `from`.
    public var isUpgrade: Bool
    /// The day it took effect.
    public var day: Day
    /// Why: the policy's reason, and for a delayed downgrade the rule that delayed it.
    public var reason: String

    public init(customerID: String, from: String?, to: String?, isUpgrade: Bool, day: Day, reason: String) {
        self.customerID = customerID
        self.from = from
        self.to = to
        self.isUpgrade = isUpgrade
        self.day = day
        self.reason = reason
    }
}
