import RetentionKit

/// The program the synthetic store is replayed under, in two equivalent forms: built-in Swift
/// rules, and the Lua plugin library (`Plugins/`) with its default configuration. A test checks
/// that both decide the same, event by event; the benchmarks compare their speed.
public enum ReferenceProgram {
    /// USD, a 30-day return window, points expiring a year after they were earned.
    public static let program = Program(currencies: [.usd], returnWindowDays: 30, ledger: LedgerPolicy(lotExpiry: LotExpiry(days: 365)))

    /// The plugin files that make up the Lua form, relative to `Plugins/`, in load order.
    public static let pluginFiles = [
        "birthday-points.lua", "purchase-points.lua", "referral-points.lua", "review-points.lua", "rfm-segments.lua",
        "service-recovery.lua", "spend-tiers.lua", "subscription-rewards.lua", "tier-bonus.lua", "win-back.lua",
    ]

    /// The plugins for earning and tiers only (no segments or triggers).
    public static let earningAndTierFiles = [
        "birthday-points.lua", "purchase-points.lua", "referral-points.lua", "review-points.lua", "spend-tiers.lua",
        "subscription-rewards.lua", "tier-bonus.lua",
    ]

    /// The built-in form: the same earning rules, tiers, segments and triggers in Swift.
    public static func builtInRules(segmentsAndTriggers: Bool = true) throws -> RuleSet {
        let tiers = try SpendTiers(measure: .spend(.usd), tiers: [
            Tier("bronze", from: 0), Tier("silver", from: 250_00, keepAt: 200_00, earnMultiplierPercent: 125),
            Tier("gold", from: 750_00, keepAt: 600_00, earnMultiplierPercent: 150),
        ])
        let earning: [any EarningRule] = [
            BirthdayPoints(points: 200), PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50),
            ReferralPoints(points: 500), ReviewPoints(points: 20, withMediaPoints: 50),
            TierBonus(points: ["silver": 100, "gold": 250]),
            SubscriptionPoints(name: "subscription-rewards", perRenewal: 50, streakLength: 6, streakBonus: 300),
        ]
        guard segmentsAndTriggers else { return RuleSet(earning: earning, tiers: tiers) }
        return RuleSet(earning: earning, tiers: tiers, segments: segments, triggers: triggers)
    }

    /// rfm-segments.lua in Swift, in the order the plugin's segments are asked (by name).
    static let segments: [any SegmentDefinition] = {
        let champion: @Sendable (CustomerView) -> Bool = { customer in
            guard let days = customer.daysSinceLastOrder else { return false }
            return customer.orderCount >= 5 && days <= 30
        }
        return [
            Segment("at_risk") { customer in
                guard let days = customer.daysSinceLastOrder else { return false }
                return customer.orderCount >= 2 && days > 90 && days <= 180
            },
            Segment("champions", champion),
            Segment("hibernating") { customer in (customer.daysSinceLastOrder ?? 0) > 180 },
            Segment("loyal") { customer in
                guard let days = customer.daysSinceLastOrder else { return false }
                return customer.orderCount >= 3 && days <= 90 && !champion(customer)
            },
            Segment("one_time_buyers") { $0.orderCount == 1 },
        ]
    }()

    /// service-recovery.lua and win-back.lua in Swift.
    static let triggers: [any CampaignTrigger] = [
        Trigger("service-recovery") { event, _ in
            switch event.payload {
            case .orderReturned(let returned):
                [CampaignRequest(campaign: "service_recovery", reason: "returned goods from order \(returned.orderID)")]
            case .orderRefunded(let refund):
                [CampaignRequest(campaign: "service_recovery", reason: "refunded on order \(refund.orderID)")]
            case .reviewPosted(let review) where review.rating <= 2:
                [CampaignRequest(campaign: "service_recovery", reason: "rated \(review.sku) \(review.rating) of 5")]
            default:
                []
            }
        },
        Trigger("win-back") { event, customer in
            switch event.payload {
            case .tierChanged(let change) where !change.isUpgrade:
                [CampaignRequest(campaign: "win_back",
                                 reason: "moved down from \(change.from ?? "no tier") to \(change.to ?? "no tier")")]
            case .birthday:
                if let days = customer.daysSinceLastOrder, days > 120 {
                    [CampaignRequest(campaign: "win_back", reason: "no order for \(days) days by their birthday")]
                } else {
                    []
                }
            default:
                []
            }
        },
    ]
}
