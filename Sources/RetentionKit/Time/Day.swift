/// A calendar day (UTC), counted from 1970-01-01, for the date arithmetic rules need: return
/// windows, expiry dates, days since the last order.
///
/// Days come from events, never from the clock.
///
/// ```swift
/// let earned = try Day(iso: "2026-03-14")
/// let available = earned + 30                 // 2026-04-13
/// earned.endOfMonth.iso                       // "2026-03-31"
/// available - earned                          // 30
/// ```
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var number: Int32

    public init(number: Int32) { self.number = number }

    /// The day with this year, month (1–12) and day of month; nil when it does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year),
            (-200_000...200_000).contains(year)
        else { return nil }
        number = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses "YYYY-MM-DD" (or the date part of an ISO 8601 time, "YYYY-MM-DDThh:mm...").
    public init(iso text: some StringProtocol) throws(DayError) {
        let bytes = Array(text.utf8.prefix(10))
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10)
        else {
            throw DayError(input: String(text), message: "'\(text)' is not a date: write YYYY-MM-DD (for example 2026-03-14)")
        }
        guard let parsed = Day(year: year, month: month, day: day) else {
            throw DayError(input: String(text), message: "'\(text)' is not a day of the calendar")
        }
        self = parsed
    }

    /// The year, month and day of month.
    public var civil: (year: Int, month: Int, day: Int) { Day.civilFromDays(Int(number)) }

    /// "YYYY-MM-DD" (years outside 0...9999 are written in full, with a sign when negative).
    public var iso: String {
        let (year, month, day) = civil
        guard (0...9999).contains(year) else {
            func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(year)-\(pad(month))-\(pad(day))"
        }
        // Rules ask for dates on every call; ten ASCII digits and dashes are written directly
        // (a small string, no interpolation or intermediate strings).
        return String(unsafeUninitializedCapacity: 10) { buffer in Self.writeISO(year, month, day, into: buffer) }
    }

    /// Writes "YYYY-MM-DD" (a year in 0...9999) at the start of `buffer`; returns 10.
    static func writeISO(_ year: Int, _ month: Int, _ day: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 48 + value) }
        buffer[0] = digit(year / 1000)
        buffer[1] = digit(year / 100 % 10)
        buffer[2] = digit(year / 10 % 10)
        buffer[3] = digit(year % 10)
        buffer[4] = 45
        buffer[5] = digit(month / 10)
        buffer[6] = digit(month % 10)
        buffer[7] = 45
        buffer[8] = digit(day / 10)
        buffer[9] = digit(day % 10)
        return 10
    }

    public var description: String { iso }

    /// The last day of this day's month.
    public var endOfMonth: Day { let (y, m, _) = civil; return Day.last(year: y, month: m) }
    /// The last day of this day's calendar quarter.
    public var endOfQuarter: Day { let (y, m, _) = civil; return Day.last(year: y, month: ((m - 1) / 3 + 1) * 3) }
    /// The last day of this day's year.
    public var endOfYear: Day { Day.last(year: civil.year, month: 12) }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }
    public static func + (day: Day, days: Int) -> Day { Day(number: day.number + Int32(days)) }
    public static func - (day: Day, days: Int) -> Day { Day(number: day.number - Int32(days)) }
    /// Days from `rhs` to `lhs`.
    public static func - (lhs: Day, rhs: Day) -> Int { Int(lhs.number) - Int(rhs.number) }

    private static func last(year: Int, month: Int) -> Day {
        Day(number: Int32(daysFromCivil(year: year, month: month, day: daysIn(month: month, year: year))))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date, counting in 400-year eras.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A date that could not be read.
public struct DayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was refused.
    public let input: String
    /// What was wrong and what is expected.
    public let message: String
    public var description: String { message }
}
