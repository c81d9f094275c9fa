/// Says whether a customer belongs to a segment ("at risk", "champions"). The engine asks every
/// definition after each event that touches a customer and, since membership can change with
/// time alone (days since the last order), for every customer on each `clock` event; changes
/// of membership are decisions (``SegmentChange``). The Lua layer implements the same protocol
/// for merchants' scripts.
public protocol SegmentDefinition: Sendable {
    /// The segment's name, unique within a rule set.
    var name: String { get }
    /// Whether `customer` belongs to the segment.
    func contains(_ customer: CustomerView) throws -> Bool
}

/// A segment defined by a Swift closure.
///
/// ```swift
/// let atRisk = Segment("at_risk") { $0.orderCount > 0 && ($0.daysSinceLastOrder ?? 0) > 90 }
/// ```
public struct Segment: SegmentDefinition {
    /// The segment's name.
    public let name: String
    private let test: @Sendable (CustomerView) -> Bool

    public init(_ name: String, _ test: @escaping @Sendable (CustomerView) -> Bool) {
        self.name = name
        self.test = test
    }

    /// The closure's answer.
    public func contains(_ customer: CustomerView) -> Bool { test(customer) }
}

/// A customer joined or left a segment.
public struct SegmentChange: Hashable, Sendable, Codable {
    /// The customer.
    public var customerID: String
    /// The segment.
    public var segment: String
    /// True when the customer joined, false when they left.
    public var joined: Bool
    /// The day of the event that showed it.
    public var day: Day

    public init(customerID: String, segment: String, joined: Bool, day: Day) {
        self.customerID = customerID
        self.segment = segment
        self.joined = joined
        self.day = day
    }
}
