/// The built-in subscription rule: points for each renewal, and a bonus at every `streakLength`
/// renewals in a row (a skip, pause or cancellation starts the count again).
///
/// ```swift
/// let rule = SubscriptionPoints(perRenewal: 50, streakLength: 6, streakBonus: 300)
/// // renewals 1–5 earn 50 each; the 6th earns 50 + 300; the 12th again
/// ```
public struct SubscriptionPoints: EarningRule {
    /// The rule's name in ledger entries.
    public var name: String
    /// The rule's version in ledger entries.
    public var version: String
    /// Points for a renewal.
    public var perRenewal: Int64
    /// Renewals in a row that earn the bonus (every multiple of it does); 0 for no bonus.
    public var streakLength: Int
    /// The bonus.
    public var streakBonus: Int64
    /// Points for starting a subscription.
    public var onStart: Int64

    /// The events it awards on.
    public var eventTypes: Set<String>? { Self.awardedOn }
    private static let awardedOn: Set<String> = ["subscription_started", "subscription_renewed"]

    public init(
        name: String = "subscription-points", version: String = "1", perRenewal: Int64 = 0, streakLength: Int = 0,
        streakBonus: Int64 = 0, onStart: Int64 = 0
    ) {
        self.name = name
        self.version = version
        self.perRenewal = perRenewal
        self.streakLength = streakLength
        self.streakBonus = streakBonus
        self.onStart = onStart
    }

    /// Awards for `subscription_started` and `subscription_renewed`; nothing for other events.
    /// The customer view already counts the renewal (its streak includes it).
    public func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
        switch event.payload {
        case .subscriptionStarted(let start):
            guard onStart > 0 else { return .none("subscription \(start.id): the program gives no points for starting one") }
            return RuleDecision(awards: [Award(points: Points(onStart), reason: "subscription started", pendingDays: 0)])
        case .subscriptionChanged(let update):
            guard case .renewed = update.change, let subscription = customer.subscriptions.subscription(update.subscriptionID) else {
                return RuleDecision()
            }
            var awards: [Award] = []
            if perRenewal > 0 { awards.append(Award(points: Points(perRenewal), reason: "subscription renewal", pendingDays: 0)) }
            let streak = subscription.consecutiveRenewals
            if streakLength > 0, streakBonus > 0, streak > 0, streak % streakLength == 0 {
                awards.append(Award(points: Points(streakBonus), reason: "\(streak) renewals in a row", pendingDays: 0))
            }
            return awards.isEmpty ? .none("subscription \(update.subscriptionID): no points for this renewal") : RuleDecision(awards: awards)
        default:
            return RuleDecision()
        }
    }
}
