/// A `feedback_received` event: a survey answer.
public struct FeedbackAnswerEvent: Hashable, Sendable, Codable {
    /// The survey and the answer on its scale.
    public enum Score: Hashable, Sendable, Codable {
        /// "How likely are you to recommend us?", 0–10.
        case nps(Int)
        /// "How satisfied were you?", 1–5.
        case csat(Int)
    }

    /// The customer who answered.
    public var customerID: String
    /// The answer.
    public var score: Score
    /// Where the question was asked: "purchase", "delivery", "support"…
    public var touchpoint: String
    /// The order it is about, if any.
    public var orderID: String?
    /// The product it is about, if any.
    public var sku: String?

    public init(customerID: String, score: Score, touchpoint: String, orderID: String? = nil, sku: String? = nil) {
        self.customerID = customerID
        self.score = score
        self.touchpoint = touchpoint
        self.orderID = orderID
        self.sku = sku
    }
}

/// A `support_ticket_closed` event.
public struct SupportTicketClosure: Hashable, Sendable, Codable {
    /// The ticket's id.
    public var ticketID: String
    /// The customer.
    public var customerID: String
    /// True when the customer's problem was solved.
    public var resolved: Bool
    /// Contacts (messages, calls) until it was closed; 1 means the first answer solved it.
    public var contacts: Int
    /// Minutes until the first answer, when known.
    public var firstResponseMinutes: Int?

    public init(ticketID: String, customerID: String, resolved: Bool, contacts: Int, firstResponseMinutes: Int? = nil) {
        self.ticketID = ticketID
        self.customerID = customerID
        self.resolved = resolved
        self.contacts = contacts
        self.firstResponseMinutes = firstResponseMinutes
    }
}

/// A `delivery_delayed` event: an order arrived (or will arrive) late.
public struct DeliveryDelay: Hashable, Sendable, Codable {
    /// The order.
    public var orderID: String
    /// Its customer.
    public var customerID: String
    /// Days late, at least 1.
    public var days: Int

    public init(orderID: String, customerID: String, days: Int) {
        self.orderID = orderID
        self.customerID = customerID
        self.days = days
    }
}
