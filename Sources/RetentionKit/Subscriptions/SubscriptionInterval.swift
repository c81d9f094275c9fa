/// How often a subscription renews: every `count` days, weeks or months.
///
/// ```swift
/// let monthly = try SubscriptionInterval(count: 1, unit: .month)
/// monthly.next(after: try Day(iso: "2026-01-31"))   // 2026-02-28: a month on, at most the month's end
/// ```
public struct SubscriptionInterval: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The unit of an interval.
    public enum Unit: String, Hashable, Sendable, Codable, CaseIterable {
        case day, week, month
    }

    /// How many units, at least 1.
    public let count: Int
    /// Days, weeks or months.
    public let unit: Unit

    /// - Throws: ``SubscriptionError`` when `count` is not between 1 and 366.
    public init(count: Int, unit: Unit) throws(SubscriptionError) {
        guard (1...366).contains(count) else {
            throw SubscriptionError(
                .invalidInterval, subscriptionID: nil,
                message: "an interval of \(count) \(unit.rawValue)s cannot renew; give between 1 and 366")
        }
        self.count = count
        self.unit = unit
    }

    /// The renewal day one interval after `day`. Months keep the day of the month, moved back
    /// to the month's last day when the month is shorter.
    public func next(after day: Day) -> Day {
        switch unit {
        case .day: return day + count
        case .week: return day + 7 * count
        case .month:
            let (year, month, dayOfMonth) = day.civil
            let months = year * 12 + (month - 1) + count
            let (newYear, newMonth) = (months / 12, months % 12 + 1)
            let last = Day.daysIn(month: newMonth, year: newYear)
            return Day(year: newYear, month: newMonth, day: min(dayOfMonth, last)) ?? day
        }
    }

    /// "1 month", "2 weeks".
    public var description: String { "\(count) \(unit.rawValue)\(count == 1 ? "" : "s")" }
}
