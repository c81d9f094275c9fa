import RetentionKit
import Testing

/// Builds events for engine tests from short JSON bodies, with ids numbered in order.
struct EventScript {
    private var next = 0

    /// An event of `type` on `day` (noon UTC) with `body`'s members.
    mutating func callAsFunction(_ type: String, _ day: String, _ body: String = "") -> Event {
        next += 1
        return EngineTests.event("e\(next)", type, day, body)
    }

    mutating func customer(_ id: String, _ day: String, email: String? = nil, birthday: String? = nil) -> Event {
        let mail = email.map { #","email":"\#($0)""# } ?? ""
        let born = birthday.map { #","birthday":"\#($0)""# } ?? ""
        return self("customer_created", day, #""customer":{"id":"\#(id)"\#(mail)\#(born)}"#)
    }

    /// An order of one line of `amount` (USD), no discount.
    mutating func order(_ id: String, of customer: String, _ day: String, _ amount: String, category: String = "kitchen") -> Event {
        self("order_placed", day, #""order":{"id":"\#(id)","customer_id":"\#(customer)","currency":"USD","lines":[{"sku":"SKU-\#(id)","category":"\#(category)","quantity":1,"unit_price":"\#(amount)"}],"total":"\#(amount)"}"#)
    }

    mutating func orderEvent(_ type: String, _ id: String, of customer: String, _ day: String) -> Event {
        self(type, day, #""order_id":"\#(id)","customer_id":"\#(customer)""#)
    }

    mutating func clock(_ day: String) -> Event { self("clock", day) }
}

extension Engine {
    /// Applies `event` and returns its decisions, recording an issue when it is not applied.
    @discardableResult
    mutating func mustApply(_ event: Event, sourceLocation: SourceLocation = #_sourceLocation) -> Decisions {
        let outcome = apply(event)
        guard case .applied(let decisions) = outcome else {
            Issue.record("\(event.id) (\(event.type)) was not applied: \(outcome)", sourceLocation: sourceLocation)
            return Decisions()
        }
        return decisions
    }

    /// Applies `event`, expecting a refusal, and returns it.
    mutating func mustReject(_ event: Event, sourceLocation: SourceLocation = #_sourceLocation) -> EngineError? {
        let outcome = apply(event)
        guard case .rejected(let error) = outcome else {
            Issue.record("\(event.id) (\(event.type)) should have been refused: \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        return error
    }
}

func day(_ iso: String) -> Day {
    do { return try Day(iso: iso) } catch { preconditionFailure("\(error)") }
}
