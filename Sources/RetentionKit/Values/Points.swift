/// A number of loyalty points. Points are whole numbers: awards are rounded by the rule that
/// makes them, never stored as fractions.
///
/// ```swift
/// let earned: Points = 120
/// let balance = earned - Points(20)   // 100
/// ```
public struct Points: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number of points.
    public var value: Int64

    public init(_ value: Int64) { self.value = value }
    public init(integerLiteral value: Int64) { self.value = value }

    /// No points.
    public static let zero = Points(0)

    public var description: String { "\(value) points" }

    public static func < (lhs: Points, rhs: Points) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Points, rhs: Points) -> Points { Points(lhs.value + rhs.value) }
    public static func - (lhs: Points, rhs: Points) -> Points { Points(lhs.value - rhs.value) }
    public static func += (lhs: inout Points, rhs: Points) { lhs.value += rhs.value }
    public static func -= (lhs: inout Points, rhs: Points) { lhs.value -= rhs.value }
    public static prefix func - (points: Points) -> Points { Points(-points.value) }
}
