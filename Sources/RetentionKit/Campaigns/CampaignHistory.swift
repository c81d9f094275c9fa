/// A campaign action a customer got or was held out of, as their campaign history keeps it;
/// the outcomes of refusals describe ``WithheldAction``s.
public struct CampaignRecord: Hashable, Sendable, Codable {
    /// How it ended.
    public enum Outcome: String, Hashable, Sendable, Codable {
        /// Sent to the outbox.
        case sent
        /// In the campaign's control group: recorded, not sent.
        case heldOut = "held_out"
        /// The customer opted out of marketing.
        case optedOut = "opted_out"
        /// The same campaign was already started for the same cause.
        case duplicate
        /// Within the quiet days after an order.
        case quietPeriod = "quiet_period"
        /// The customer had as many actions as the frequency cap allows.
        case frequencyCap = "frequency_cap"
    }

    /// The campaign.
    public var campaign: String
    /// The trigger that asked for it.
    public var trigger: String
    /// What it answers (an order, a review, a lapse): the same campaign starts once per cause.
    public var cause: String
    /// The day.
    public var day: Day
    /// How it ended.
    public var outcome: Outcome

    /// Sent or held out: an action the customer got (or would have got), which counts toward
    /// the frequency cap and toward a campaign's lift.
    public var counts: Bool { outcome == .sent || outcome == .heldOut }
}

/// An action a guardrail or a holdout kept out of the outbox, with why.
public struct WithheldAction: Hashable, Sendable {
    /// The action as it would have been sent.
    public var action: CampaignAction
    /// Why it was not.
    public var outcome: CampaignRecord.Outcome
}
