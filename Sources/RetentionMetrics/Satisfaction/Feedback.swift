import RetentionKit

/// One answer to a satisfaction survey.
///
/// ```swift
/// let answer = FeedbackAnswer(customerID: "c-42", day: try Day(iso: "2026-03-20"), score: .nps(9), touchpoint: "delivery")
/// ```
public struct FeedbackAnswer: Hashable, Sendable {
    /// The survey and the answer on its scale.
    public enum Score: Hashable, Sendable {
        /// "How likely are you to recommend us?", 0–10.
        case nps(Int)
        /// "How satisfied were you?", 1–5.
        case csat(Int)
    }

    public var customerID: String
    public var day: Day
    public var score: Score
    /// Where the question was asked: "purchase", "delivery", "support"…
    public var touchpoint: String
    /// The product category the answer is about, if any.
    public var category: String?
    /// The sales channel of the order it is about, if any.
    public var channel: String?

    public init(customerID: String, day: Day, score: Score, touchpoint: String, category: String? = nil, channel: String? = nil) {
        self.customerID = customerID
        self.day = day
        self.score = score
        self.touchpoint = touchpoint
        self.category = category
        self.channel = channel
    }
}

/// A closed support ticket.
public struct SupportTicket: Hashable, Sendable {
    public var customerID: String
    /// The day it was closed.
    public var day: Day
    /// True when the customer's problem was solved.
    public var resolved: Bool
    /// Contacts (messages, calls) until it was closed; 1 means the first answer solved it.
    public var contacts: Int
    /// The product category the ticket is about, if any.
    public var category: String?
    /// The sales channel of the order it is about, if any.
    public var channel: String?

    public init(customerID: String, day: Day, resolved: Bool, contacts: Int, category: String? = nil, channel: String? = nil) {
        self.customerID = customerID
        self.day = day
        self.resolved = resolved
        self.contacts = contacts
        self.category = category
        self.channel = channel
    }
}
