/// The built-in review rule: points for a product review, more with a photo or video, once per
/// customer per product. A removed review takes its points back (and its product can earn again).
///
/// ```swift
/// let rule = ReviewPoints(points: 20, withMediaPoints: 50)
/// ```
///
/// The rating does not matter: rewarding only good reviews would bias them.
public struct ReviewPoints: EarningRule {
    /// The rule's name in ledger entries.
    public var name: String
    /// The rule's version in ledger entries.
    public var version: String
    /// Points for a review without media.
    public var points: Int64
    /// Points for a review with a photo or video.
    public var withMediaPoints: Int64

    /// The events it awards on.
    public var eventTypes: Set<String>? { Self.awardedOn }
    private static let awardedOn: Set<String> = ["review_posted"]

    public init(name: String = "review-points", version: String = "1", points: Int64 = 20, withMediaPoints: Int64 = 50) {
        self.name = name
        self.version = version
        self.points = points
        self.withMediaPoints = withMediaPoints
    }

    /// Awards for a `review_posted`; nothing for other events.
    public func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
        guard case .reviewPosted(let review) = event.payload else { return RuleDecision() }
        guard !customer.rewardedReviewSKUs.contains(review.sku) else {
            return .none("review \(review.id): a review of \(review.sku) by this customer was rewarded already (one per product)")
        }
        let earned = review.hasMedia ? withMediaPoints : points
        guard earned > 0 else { return .none("review \(review.id): the program gives no points for this kind of review") }
        return RuleDecision(awards: [
            Award(points: Points(earned), reason: review.hasMedia ? "review with photo or video" : "review", pendingDays: 0)
        ])
    }
}
