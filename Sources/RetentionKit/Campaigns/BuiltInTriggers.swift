// The built-in retention campaigns. Each is a ``CampaignTrigger`` and can be mixed with Lua
// triggers; the guardrails of ``CampaignPolicy`` apply to all of them alike.

/// `win_back`: a customer who has not ordered for longer than their own average interval
/// between orders times `factor` (customers with one order: `daysWithoutOrder`), asked on each
/// `clock` event. One action per lapse: the cause is the last order's day.
public struct WinBackTrigger: CampaignTrigger, InfallibleRule {
    /// The trigger's name, recorded on its actions.
    public let name: String
    /// How many of the customer's own average intervals count as lapsed.
    public var factor: Double
    /// Days without an order that count as lapsed when the customer has no interval yet (one
    /// order), or always when `useOwnInterval` is false.
    public var daysWithoutOrder: Int
    /// Whether a customer's own rhythm decides (two or more orders).
    public var useOwnInterval: Bool

    public init(name: String = "win-back", factor: Double = 2, daysWithoutOrder: Int = 120, useOwnInterval: Bool = true) {
        self.name = name
        self.factor = factor
        self.daysWithoutOrder = daysWithoutOrder
        self.useOwnInterval = useOwnInterval
    }

    public var asksOnClock: Bool { true }

    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] {
        guard case .clock = event.payload, let quiet = customer.daysSinceLastOrder, let last = customer.lastOrderDay else { return [] }
        let limit: Double
        if useOwnInterval, let average = customer.averageDaysBetweenOrders { limit = average * factor } else { limit = Double(daysWithoutOrder) }
        guard Double(quiet) > limit else { return [] }
        return [CampaignRequest(
            campaign: "win_back", reason: "no order for \(quiet) days (more than \(Int(limit.rounded())))", cause: "lapse:\(last.iso)")]
    }
}

/// `at_risk_outreach`: the customer's satisfaction score fell in two cycles in a row
/// (`satisfaction_declining`). One action per cycle.
public struct AtRiskOutreachTrigger: CampaignTrigger, InfallibleRule {
    /// The trigger's name, recorded on its actions.
    public let name: String

    public init(name: String = "at-risk-outreach") { self.name = name }

    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] {
        guard customer.satisfaction.flags.contains("satisfaction_declining"), let cycle = customer.satisfaction.cycles.last else { return [] }
        return [CampaignRequest(
            campaign: "at_risk_outreach", reason: "satisfaction fell two cycles in a row, to \(Int(cycle.score.rounded()))",
            cause: "declining:\(cycle.start.iso)")]
    }
}

/// `service_recovery`: a detractor answer (NPS 0–6 or CSAT 1–2), a delivery more than
/// `delayDays` late, or a support ticket closed unresolved; optionally with compensation
/// points, awarded when the action is sent.
public struct ServiceRecoveryTrigger: CampaignTrigger, InfallibleRule {
    /// The trigger's name, recorded on its actions.
    public let name: String
    /// A delay longer than this starts the campaign.
    public var delayDays: Int
    /// Points to make up for the trouble; 0 for none.
    public var compensationPoints: Int64

    public init(name: String = "service-recovery", delayDays: Int = 3, compensationPoints: Int64 = 0) {
        self.name = name
        self.delayDays = delayDays
        self.compensationPoints = compensationPoints
    }

    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] {
        requests(for: event).map { request in
            var request = request
            request.compensationPoints = compensationPoints
            return request
        }
    }

    private func requests(for event: Event) -> [CampaignRequest] {
        switch event.payload {
        case .feedbackReceived(let answer):
            switch answer.score {
            case .nps(let n) where n <= 6:
                return [CampaignRequest(campaign: "service_recovery", reason: "NPS \(n) at \(answer.touchpoint)")]
            case .csat(let c) where c <= 2:
                return [CampaignRequest(campaign: "service_recovery", reason: "CSAT \(c) at \(answer.touchpoint)")]
            default: return []
            }
        case .deliveryDelayed(let delay) where delay.days > delayDays:
            return [CampaignRequest(
                campaign: "service_recovery", reason: "order \(delay.orderID) \(delay.days) days late", cause: "order:\(delay.orderID)")]
        case .supportTicketClosed(let ticket) where !ticket.resolved:
            return [CampaignRequest(
                campaign: "service_recovery", reason: "ticket \(ticket.ticketID) closed unresolved", cause: "ticket:\(ticket.ticketID)")]
        default:
            return []
        }
    }
}

/// `vip_early_access`: the customer moved up to one of `tiers`. Once per tier.
public struct VIPEarlyAccessTrigger: CampaignTrigger, InfallibleRule {
    /// The trigger's name, recorded on its actions.
    public let name: String
    /// The tiers whose members get early access.
    public var tiers: Set<String>

    public init(name: String = "vip-early-access", tiers: Set<String>) {
        self.name = name
        self.tiers = tiers
    }

    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] {
        guard case .tierChanged(let change) = event.payload, change.isUpgrade, let tier = change.to, tiers.contains(tier) else { return [] }
        return [CampaignRequest(campaign: "vip_early_access", reason: "reached \(tier)", cause: "tier:\(tier)")]
    }
}

/// `thank_you`: a review rated `minimumRating` or more.
public struct ThankYouTrigger: CampaignTrigger, InfallibleRule {
    /// The trigger's name, recorded on its actions.
    public let name: String
    /// The lowest rating thanked (1–5).
    public var minimumRating: Int

    public init(name: String = "thank-you", minimumRating: Int = 4) {
        self.name = name
        self.minimumRating = minimumRating
    }

    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] {
        guard case .reviewPosted(let review) = event.payload, review.rating >= minimumRating else { return [] }
        return [CampaignRequest(campaign: "thank_you", reason: "\(review.rating)-star review of \(review.sku)", cause: "review:\(review.id)")]
    }
}

/// `second_purchase_nudge`: one order so far and `days` days since it, asked on each `clock`
/// event. Once per customer.
public struct SecondPurchaseNudgeTrigger: CampaignTrigger, InfallibleRule {
    /// The trigger's name, recorded on its actions.
    public let name: String
    /// Days after the only order.
    public var days: Int

    public init(name: String = "second-purchase-nudge", days: Int = 30) {
        self.name = name
        self.days = days
    }

    public var asksOnClock: Bool { true }

    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] {
        guard case .clock = event.payload, customer.orderCount == 1, let quiet = customer.daysSinceLastOrder, quiet >= days else { return [] }
        return [CampaignRequest(campaign: "second_purchase_nudge", reason: "one order, \(quiet) days ago", cause: "second-purchase")]
    }
}
