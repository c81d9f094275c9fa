/// Several segments decided together: the engine asks the group once per customer where it would
/// ask each ``SegmentDefinition`` apart. Worth it when each question has a fixed cost that one
/// answer for all can share: a Lua plugin's `segments` table is one group, answered in one step
/// into the runtime with the customer encoded once.
///
/// ```swift
/// struct Spend: SegmentGroup {
///     let names = ["big_spender", "no_spend"]
///     func memberships(of customer: CustomerView) -> [Bool] {
///         let spent = customer.totalSpent.values.reduce(0, +)
///         return [spent >= 100_000, spent == 0]
///     }
/// }
/// let rules = RuleSet(earning: [], segmentGroups: [Spend()])
/// ```
public protocol SegmentGroup: Sendable {
    /// The segments' names, each unique within a rule set.
    var names: [String] { get }
    /// For each of ``names``, in order, whether `customer` belongs to that segment. Throw a
    /// ``SegmentFailure`` to say which segment failed.
    func memberships(of customer: CustomerView) throws -> [Bool]
}

/// A segment of a ``SegmentGroup`` failed: the engine's rejection names it.
public struct SegmentFailure: Error, CustomStringConvertible {
    /// The segment that failed.
    public var segment: String
    /// Why.
    public var error: any Error

    public init(segment: String, error: any Error) {
        self.segment = segment
        self.error = error
    }

    public var description: String { "\(error)" }
}

extension SegmentFailure: RuleFailure {
    /// The rule the underlying error names (a plugin), else the segment.
    public var ruleName: String? { error.ruleName(or: segment) }
}
