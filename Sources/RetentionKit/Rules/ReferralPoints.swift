/// The built-in referral rule: points for the referrer when a referral is accepted.
///
/// ```swift
/// let rule = ReferralPoints(points: 500)
/// ```
///
/// The engine checks the referral first (see ``ReferralPolicy``: no self-referrals, one referral
/// per referee, the referee's first order, a limit per period) and asks the rules only once the
/// referee's order is paid. The award stays pending until the order's return window has passed,
/// and goes if the order is cancelled, refunded in full or returned.
public struct ReferralPoints: EarningRule {
    /// The rule's name in ledger entries.
    public var name: String
    /// The rule's version in ledger entries.
    public var version: String
    /// Points for the referrer.
    public var points: Int64

    /// The events it awards on.
    public var eventTypes: Set<String>? { Self.awardedOn }
    private static let awardedOn: Set<String> = ["referral_completed"]

    public init(name: String = "referral-points", version: String = "1", points: Int64 = 500) {
        self.name = name
        self.version = version
        self.points = points
    }

    /// Awards for a `referral_completed`; nothing for other events.
    public func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
        guard case .referralCompleted(let referral) = event.payload else { return RuleDecision() }
        guard points > 0 else { return .none("the program gives no referral points") }
        return RuleDecision(awards: [Award(points: Points(points), reason: "referred \(referral.refereeID)")])
    }
}
