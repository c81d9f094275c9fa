/// The built-in tier bonus: points when a customer reaches a tier for the first time.
///
/// ```swift
/// let rule = TierBonus(points: ["silver": 100, "gold": 250])
/// ```
///
/// Rewards on a `tier_changed` event are made once per customer and tier: a customer who drops
/// out of gold and comes back does not earn the gold bonus again.
public struct TierBonus: EarningRule {
    /// The rule's name in ledger entries.
    public var name: String
    /// The rule's version in ledger entries.
    public var version: String
    /// Points by tier reached.
    public var points: [String: Int64]

    /// The events it awards on.
    public var eventTypes: Set<String>? { Self.awardedOn }
    private static let awardedOn: Set<String> = ["tier_changed"]

    public init(name: String = "tier-bonus", version: String = "1", points: [String: Int64]) {
        self.name = name
        self.version = version
        self.points = points
    }

    /// Awards for an upgrade to a tier with a bonus; nothing otherwise.
    public func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
        guard case .tierChanged(let change) = event.payload else { return RuleDecision() }
        guard change.isUpgrade, let tier = change.to else { return .none("no bonus for moving down") }
        guard let bonus = points[tier], bonus > 0 else { return .none("no bonus for reaching \(tier)") }
        return RuleDecision(awards: [Award(points: Points(bonus), reason: "reached \(tier)", pendingDays: 0)])
    }
}
