/// The stretch of time a customer's spend, orders or points count toward a tier.
///
/// ```swift
/// program.qualification = .rolling(days: 365)   // the default: the last 365 days, today included
/// program.qualification = .calendarYear          // since 1 January
/// program.qualification = .lifetime
/// ```
public enum QualificationWindow: Hashable, Sendable, CustomStringConvertible {
    /// The last `days` days, the current day included.
    case rolling(days: Int)
    /// The calendar year so far.
    case calendarYear
    /// Everything.
    case lifetime

    /// The first day that counts on `day`; nil when everything counts.
    public func firstDay(on day: Day) -> Day? {
        switch self {
        case .rolling(let days): day - (days - 1)
        case .calendarYear: Day(year: day.civil.year, month: 1, day: 1)
        case .lifetime: nil
        }
    }

    /// Whether something on `earlier` still counts on `day`.
    public func contains(_ earlier: Day, on day: Day) -> Bool {
        guard let first = firstDay(on: day) else { return earlier <= day }
        return earlier >= first && earlier <= day
    }

    /// "in the last 365 days", "this calendar year", "in all".
    public var description: String {
        switch self {
        case .rolling(let days): "in the last \(days) days"
        case .calendarYear: "this calendar year"
        case .lifetime: "in all"
        }
    }

    /// The length of a tier period when downgrades wait for the end of the period.
    var periodDays: Int {
        if case .rolling(let days) = self { return days }
        return 365
    }

    /// The first day after the tier period that holds `day`, for a tier held since `since`:
    /// 1 January for the calendar year, otherwise the next anniversary of `since`.
    func periodEnd(after day: Day, heldSince since: Day) -> Day {
        if case .calendarYear = self { return Day(year: day.civil.year + 1, month: 1, day: 1) ?? day + 1 }
        let length = periodDays
        let periods = (day - since) / length + 1
        return since + periods * length
    }
}

/// When a customer who no longer qualifies for their tier moves down.
public enum TierDowngrade: Hashable, Sendable {
    /// On the day they stop qualifying.
    case immediate
    /// At the end of the tier period: 1 January for a calendar-year window, otherwise the next
    /// anniversary of the day the tier was reached. The default.
    case endOfPeriod
    /// After a grace of this many days, unless they qualify again before it ends.
    case afterGrace(days: Int)
}
