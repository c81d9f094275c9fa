/// Decides what an event earns. The engine asks each rule of its ``RuleSet`` in turn; a rule
/// sees read-only values and returns awards, and never changes state itself. The built-in rules
/// are Swift; the Lua layer implements the same protocol for merchants' scripts.
public protocol EarningRule: Sendable {
    /// Unique within a rule set; ledger entries name it.
    var name: String { get }
    /// Recorded on every entry the rule makes, so a change of rules shows in the ledger.
    var version: String { get }
    /// The awards for `event`, given what the engine knows of the customer before it.
    func awards(for event: Event, customer: CustomerView, program: Program) throws -> RuleDecision
}

/// What a rule decided, and why.
public struct RuleDecision: Hashable, Sendable {
    /// The awards.
    public var awards: [Award]
    /// Why the rule awarded nothing (or less), when it did: what a support team reads when a
    /// customer asks "why didn't I earn points?".
    public var note: String?

    public init(awards: [Award] = [], note: String? = nil) {
        self.awards = awards
        self.note = note
    }

    /// No awards, with the reason.
    public static func none(_ note: String) -> RuleDecision { RuleDecision(note: note) }
}

/// Points a rule awards.
public struct Award: Hashable, Sendable {
    /// The points.
    public var points: Points
    /// A reason a person can read ("purchase", "first order bonus").
    public var reason: String
    /// Days the points stay pending; nil for the program's return window on orders, 0 elsewhere.
    public var pendingDays: Int?
    /// For purchases: how many of the points each order line earned (by line index), so a refund
    /// of given lines takes back exactly what they earned. Empty when the award is for the order
    /// as a whole.
    public var perLine: [Int: Int64]

    public init(points: Points, reason: String, pendingDays: Int? = nil, perLine: [Int: Int64] = [:]) {
        self.points = points
        self.reason = reason
        self.pendingDays = pendingDays
        self.perLine = perLine
    }
}

/// The rules a program runs, in order.
public struct RuleSet: Sendable {
    /// The earning rules, asked in order.
    public var earning: [any EarningRule]

    public init(earning: [any EarningRule]) {
        self.earning = earning
    }
}
