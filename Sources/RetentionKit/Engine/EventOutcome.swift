/// What applying an event did.
public enum EventOutcome: Hashable, Sendable {
    /// Applied; the decisions it produced.
    case applied(Decisions)
    /// An event with this id was seen before (applied or rejected); nothing changed.
    case duplicate
    /// Refused whole, with the reason; nothing changed.
    case rejected(EngineError)

    /// The decisions, when the event was applied.
    public var decisions: Decisions? {
        if case .applied(let decisions) = self { decisions } else { nil }
    }
}

/// The decisions one event produced, with their explanation.
public struct Decisions: Hashable, Sendable {
    /// Ledger entries appended, for every customer the event touched, in order.
    public var entries: [CustomerEntry]
    /// Which rules ran and what each decided, including why a rule awarded nothing.
    public var explanation: [RuleOutcome]

    public init(entries: [CustomerEntry] = [], explanation: [RuleOutcome] = []) {
        self.entries = entries
        self.explanation = explanation
    }
}

/// A ledger entry and the customer whose ledger holds it.
public struct CustomerEntry: Hashable, Sendable {
    /// The customer.
    public var customerID: String
    /// The entry.
    public var entry: LedgerEntry
}

/// What one rule decided for one event.
public struct RuleOutcome: Hashable, Sendable {
    /// The rule's name.
    public var rule: String
    /// The rule's version.
    public var version: String
    /// The awards.
    public var awards: [Award]
    /// Why it awarded nothing, when it did not.
    public var note: String?
}

/// Why the engine refused an event. A refused event changes nothing; the next one goes on.
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case unknownCustomer, customerExists, unknownOrder, orderExists, currencyNotAccepted, orderClosed
            case invalidRefund, ledger, rule, outOfOrder, notSupported
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The event names a customer the engine does not know.
        public static let unknownCustomer = Code(.unknownCustomer)
        /// customer_created for an id that exists.
        public static let customerExists = Code(.customerExists)
        /// The event names an order the customer does not have.
        public static let unknownOrder = Code(.unknownOrder)
        /// order_placed for an order id seen before.
        public static let orderExists = Code(.orderExists)
        /// The order's currency is not one the program accepts.
        public static let currencyNotAccepted = Code(.currencyNotAccepted)
        /// The order was cancelled or fully refunded already.
        public static let orderClosed = Code(.orderClosed)
        /// A refund or return the order cannot take: another currency, more than is left, or
        /// units of a product the order does not have left.
        public static let invalidRefund = Code(.invalidRefund)
        /// The ledger refused (for example a redemption larger than the balance).
        public static let ledger = Code(.ledger)
        /// A rule failed.
        public static let rule = Code(.rule)
        /// The event is older than the customer's latest event.
        public static let outOfOrder = Code(.outOfOrder)
        /// This version of the engine does not apply this kind of event yet.
        public static let notSupported = Code(.notSupported)
    }

    /// What kind of problem it is.
    public var code: Code
    /// The event refused.
    public var eventID: String
    /// What was wrong and what to do about it.
    public var message: String

    public init(_ code: Code, eventID: String, message: String) {
        self.code = code
        self.eventID = eventID
        self.message = message
    }

    public var description: String { "event \(eventID): \(message)" }
}
