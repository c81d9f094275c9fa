import RetentionKit

/// What points are worth to the store: `money` for every `points` points, so liability can be
/// stated in money without a fraction of a cent ever being stored.
///
/// ```swift
/// let value = try PointValue(Money(minorUnits: 100, currency: .usd), per: 100)   // 1 cent a point
/// value.worth(of: 2_550)                                                       // 25.50 USD
/// ```
public struct PointValue: Hashable, Sendable {
    /// What `points` points are worth.
    public let money: Money
    /// How many points `money` buys.
    public let points: Int64

    /// - Throws: ``MetricsError/Code-swift.struct/badArgument`` when `points` is not positive or
    ///   `money` is negative.
    public init(_ money: Money, per points: Int64) throws(MetricsError) {
        guard points > 0 else {
            throw MetricsError(.badArgument, "a point value is money per a positive number of points, not per \(points); write for example 1.00 \(money.currency.code) per 100 points")
        }
        guard money.minorUnits >= 0 else {
            throw MetricsError(.badArgument, "a point value cannot be negative (\(money)); give what the store owes for redeemed points")
        }
        self.money = money
        self.points = points
    }

    /// The worth of `count` points, rounded to the nearest minor unit (halves away from zero).
    public func worth(of count: Int64) -> Money {
        let product = count.multipliedFullWidth(by: money.minorUnits)
        let (quotient, remainder) = points.dividingFullWidth(product)
        var units = quotient
        if remainder.magnitude * 2 >= points.magnitude { units += remainder < 0 ? -1 : 1 }
        return Money(minorUnits: units, currency: money.currency)
    }
}
