/// How the engine turns a customer's signals into a satisfaction score, and when it flags them.
///
/// Each signal becomes a score from 0 to 100 (``SatisfactionSignals``); a cycle's score is the
/// weighted mean of the signals in it, with the weights here.
///
/// ```swift
/// var policy = SatisfactionPolicy()
/// policy.cycleDays = 14             // score fortnights
/// policy.weights.delivery = 2       // delays count double
/// policy.delayThresholdDays = 5     // flag delays of more than 5 days
/// ```
public struct SatisfactionPolicy: Hashable, Sendable {
    /// The weight of each kind of signal in a cycle's score; 0 leaves a kind out.
    public struct Weights: Hashable, Sendable {
        /// NPS answers.
        public var nps: Double
        /// CSAT answers.
        public var csat: Double
        /// Review ratings.
        public var review: Double
        /// Closed support tickets.
        public var support: Double
        /// Delivery delays.
        public var delivery: Double

        public init(nps: Double = 1, csat: Double = 1, review: Double = 1, support: Double = 1, delivery: Double = 1) {
            self.nps = nps
            self.csat = csat
            self.review = review
            self.support = support
            self.delivery = delivery
        }
    }

    /// The length of a scoring cycle in days, counted from 1970-01-01 so every customer's
    /// cycles line up (30 by default).
    public var cycleDays: Int
    /// The weight of each kind of signal.
    public var weights: Weights
    /// A delivery delay of more than this many days flags the customer.
    public var delayThresholdDays: Int

    public init(cycleDays: Int = 30, weights: Weights = Weights(), delayThresholdDays: Int = 3) {
        self.cycleDays = cycleDays
        self.weights = weights
        self.delayThresholdDays = delayThresholdDays
    }
}
