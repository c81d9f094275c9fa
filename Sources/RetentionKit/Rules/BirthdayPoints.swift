/// The built-in birthday rule: points once a year, when the clock passes a customer's birthday
/// (28 February in other years for those born on 29 February).
///
/// ```swift
/// let rule = BirthdayPoints(points: 200)
/// ```
///
/// The engine makes a `birthday` event for every customer with a known birthday, once per
/// year, dated on the birthday, whether a `clock` event or the customer's own next event brings
/// time past it; this rule answers it.
public struct BirthdayPoints: EarningRule {
    /// The rule's name in ledger entries.
    public var name: String
    /// The rule's version in ledger entries.
    public var version: String
    /// The points.
    public var points: Int64

    /// The events it awards on.
    public var eventTypes: Set<String>? { Self.awardedOn }
    private static let awardedOn: Set<String> = ["birthday"]

    public init(name: String = "birthday-points", version: String = "1", points: Int64 = 100) {
        self.name = name
        self.version = version
        self.points = points
    }

    /// Awards for a `birthday`; nothing for other events.
    public func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
        guard case .birthday(_, let year) = event.payload else { return RuleDecision() }
        guard points > 0 else { return .none("the program gives no birthday points") }
        return RuleDecision(awards: [Award(points: Points(points), reason: "birthday \(year)", pendingDays: 0)])
    }
}
