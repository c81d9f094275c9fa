/// Decides which retention campaigns an event should start for a customer ("win back", "service
/// recovery"). The engine asks every trigger about each event that touches a customer (and about
/// the `tier_changed` events it makes); the actions are decisions, for the host to deliver. The
/// Lua layer implements the same protocol for merchants' scripts.
public protocol CampaignTrigger: Sendable {
    /// The trigger's name, recorded on its actions.
    var name: String { get }
    /// The campaigns to start, given what the engine knows of the customer after the event.
    func actions(for event: Event, customer: CustomerView) throws -> [CampaignRequest]
    /// Whether the engine asks this trigger about every customer on each `clock` event (for
    /// campaigns that time starts, such as win-back); false by default, since it costs a call
    /// per customer.
    var asksOnClock: Bool { get }
}

extension CampaignTrigger {
    public var asksOnClock: Bool { false }
}

/// A campaign a trigger asks for.
public struct CampaignRequest: Hashable, Sendable {
    /// The campaign ("win_back").
    public var campaign: String
    /// Why, in words ("no order for 120 days").
    public var reason: String
    /// What it answers ("order:1001", "lapse:2026-03-01"): the campaign starts once per cause
    /// and customer. Nil for the event's id.
    public var cause: String?
    /// Points to make up for the trouble, awarded when the action is sent (not when it is held
    /// out or refused); 0 for none.
    public var compensationPoints: Int64

    public init(campaign: String, reason: String, cause: String? = nil, compensationPoints: Int64 = 0) {
        self.campaign = campaign
        self.reason = reason
        self.cause = cause
        self.compensationPoints = compensationPoints
    }
}

/// A trigger defined by a Swift closure.
///
/// ```swift
/// let winBack = Trigger("win-back") { event, customer in
///     guard case .tierChanged(let change) = event.payload, !change.isUpgrade else { return [] }
///     return [CampaignRequest(campaign: "win_back", reason: "moved down to \(change.to ?? "no tier")")]
/// }
/// ```
public struct Trigger: CampaignTrigger {
    /// The trigger's name, recorded on its actions.
    public let name: String
    private let body: @Sendable (Event, CustomerView) -> [CampaignRequest]

    public init(_ name: String, _ body: @escaping @Sendable (Event, CustomerView) -> [CampaignRequest]) {
        self.name = name
        self.body = body
    }

    /// The closure's answer.
    public func actions(for event: Event, customer: CustomerView) -> [CampaignRequest] { body(event, customer) }
}

/// A campaign the engine decided to start for a customer: an entry of the outbox a host
/// delivers.
public struct CampaignAction: Hashable, Sendable, Codable {
    /// The customer.
    public var customerID: String
    /// The campaign.
    public var campaign: String
    /// The trigger that asked for it.
    public var trigger: String
    /// Why.
    public var reason: String
    /// The type of event it answered (an engine-made `tier_changed` included).
    public var eventType: String
    /// The day.
    public var day: Day

    public init(customerID: String, campaign: String, trigger: String, reason: String, eventType: String, day: Day) {
        self.customerID = customerID
        self.campaign = campaign
        self.trigger = trigger
        self.reason = reason
        self.eventType = eventType
        self.day = day
    }
}
