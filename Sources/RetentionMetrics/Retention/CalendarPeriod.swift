import RetentionKit

/// A calendar period for series and cohorts: weeks start on Monday, months, quarters and years
/// on their first day.
public enum CalendarPeriod: String, Hashable, Sendable, CaseIterable {
    case week, month, quarter, year

    /// The index of the period that contains `day`, counted so consecutive periods differ by one.
    public func index(of day: Day) -> Int {
        switch self {
        case .week:
            // 1970-01-01 was a Thursday; shift so weeks start on Monday.
            return Int((Int64(day.number) + 3).floorDivided(by: 7))
        case .month, .quarter, .year:
            let (year, month, _) = day.civil
            let months = year * 12 + (month - 1)
            switch self {
            case .month: return months
            case .quarter: return months.floorDivided(by: 3)
            default: return year
            }
        }
    }

    /// The first day of the period with this index.
    public func firstDay(ofIndex index: Int) -> Day {
        switch self {
        case .week:
            return Day(number: Int32(index * 7 - 3))
        case .month, .quarter, .year:
            let months = self == .month ? index : self == .quarter ? index * 3 : index * 12
            let year = months.floorDivided(by: 12)
            // Days exist for every valid month start.
            return Day(year: year, month: months - year * 12 + 1, day: 1)!
        }
    }

    /// The periods that meet `from...to`, each clipped to it.
    public func ranges(from: Day, to: Day) throws(MetricsError) -> [ClosedRange<Day>] {
        guard from <= to else {
            throw MetricsError(.badArgument, "\(from.iso)…\(to.iso) ends before it starts; give the earlier day first")
        }
        var ranges: [ClosedRange<Day>] = []
        for index in self.index(of: from)...self.index(of: to) {
            let first = max(firstDay(ofIndex: index), from)
            let last = min(firstDay(ofIndex: index + 1) - 1, to)
            ranges.append(first...last)
        }
        return ranges
    }
}

extension BinaryInteger {
    func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
