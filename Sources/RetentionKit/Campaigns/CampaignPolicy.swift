/// The guardrails every campaign action passes before it reaches the outbox, and the holdout
/// groups that measure whether campaigns work.
///
/// ```swift
/// var campaigns = CampaignPolicy()
/// campaigns.maxActionsPerWindow = 2          // at most two actions a customer…
/// campaigns.windowDays = 30                  // …in any 30 days
/// campaigns.quietDaysAfterPurchase = 3       // nothing in the three days after an order
/// campaigns.holdoutPercent["win_back"] = 10  // one customer in ten is held out of win-back
/// ```
public struct CampaignPolicy: Hashable, Sendable {
    /// Actions (sent or held out) a customer may get within ``windowDays``; nil for no cap.
    public var maxActionsPerWindow: Int?
    /// The window of the frequency cap, ending on the action's day.
    public var windowDays: Int
    /// Days after an order in which no campaign starts (the order's day is day 0); 0 for none.
    public var quietDaysAfterPurchase: Int
    /// A customer with this tag, or with this attribute set to true, gets no campaign.
    public var optOutMarker: String
    /// Per campaign, the share of customers (0–100) in its control group: their actions are
    /// recorded but not sent, so a report can compare them with those who were contacted.
    public var holdoutPercent: [String: Int]

    public init(
        maxActionsPerWindow: Int? = 3, windowDays: Int = 30, quietDaysAfterPurchase: Int = 0,
        optOutMarker: String = "marketing_opt_out", holdoutPercent: [String: Int] = [:]
    ) {
        self.maxActionsPerWindow = maxActionsPerWindow
        self.windowDays = windowDays
        self.quietDaysAfterPurchase = quietDaysAfterPurchase
        self.optOutMarker = optOutMarker
        self.holdoutPercent = holdoutPercent
    }

    /// Whether `customerID` is in `campaign`'s control group: a stable hash of both (FNV-1a over
    /// "campaign/customer"), so the same customer is always in or out of a campaign, in every
    /// process and every replay.
    public func isHeldOut(_ customerID: String, from campaign: String) -> Bool {
        let percent = holdoutPercent[campaign] ?? 0
        guard percent > 0 else { return false }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(campaign)/\(customerID)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % 100) < percent
    }
}
