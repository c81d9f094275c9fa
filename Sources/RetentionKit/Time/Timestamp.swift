/// An instant from an event's `at`: seconds since 1970-01-01T00:00:00Z, kept exactly as
/// written down to the millisecond.
///
/// ```swift
/// let at = try Timestamp(iso: "2026-03-14T10:12:00+01:00")
/// at.day.iso            // "2026-03-14" (the UTC day)
/// at.iso                // "2026-03-14T09:12:00Z"
/// ```
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The start of a day (00:00:00Z).
    public init(day: Day) { milliseconds = Int64(day.number) * 86_400_000 }

    /// Parses ISO 8601 / RFC 3339: `YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm`
    /// (a space may stand for the `T`). A bare date means midnight UTC.
    public init(iso text: some StringProtocol) throws(DayError) {
        let bytes = Array(text.utf8)
        func fail(_ why: String) -> DayError {
            DayError(input: String(text), message: "'\(text)' is not an ISO 8601 time (\(why)); write for example 2026-03-14T10:12:00Z")
        }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, let day = try? Day(iso: String(decoding: bytes[0..<10], as: UTF8.self)) else {
            throw fail("the date must come first, as YYYY-MM-DD")
        }
        var millis = Int64(day.number) * 86_400_000
        if bytes.count == 10 {
            self.init(milliseconds: millis)
            return
        }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "t"),
            let hour = number(11, 2), bytes.count > 13, bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            hour < 24, minute < 60
        else { throw fail("the time must be hh:mm after a 'T'") }
        var index = 16
        var seconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let s = number(index + 1, 2), s < 61 else { throw fail("seconds must be two digits") }
            seconds = min(s, 59)  // a leap second counts as the last second of its minute
            index += 3
        }
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 3 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { throw fail("a fraction of a second needs digits") }
            if digits < 3 {
                for _ in digits..<3 { fraction *= 10 }
            }
        }
        var offsetMinutes = 0
        guard index < bytes.count else { throw fail("the time zone is missing: end with Z or an offset such as +01:00") }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let h = number(index + 1, 2), h < 24 else { throw fail("the offset must be ±hh:mm") }
            var m = 0
            if index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":") {
                guard let parsed = number(index + 4, 2), parsed < 60 else { throw fail("the offset must be ±hh:mm") }
                m = parsed
                index += 6
            } else if let parsed = number(index + 3, 2) {
                m = parsed
                index += 5
            } else {
                index += 3
            }
            offsetMinutes = sign * (h * 60 + m)
        default:
            throw fail("the time zone must be Z or an offset such as +01:00")
        }
        guard index == bytes.count else { throw fail("there is text after the time zone") }
        millis += Int64(((hour * 60 + minute - offsetMinutes) * 60 + seconds)) * 1_000 + fraction
        self.init(milliseconds: millis)
    }

    /// The UTC day this instant falls on.
    public var day: Day {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        return Day(number: Int32(days))
    }

    /// "YYYY-MM-DDThh:mm:ssZ", with ".fff" when there are milliseconds.
    public var iso: String {
        let day = self.day
        let dayStart = Int64(day.number) * 86_400_000
        let inDay = Int(milliseconds - dayStart)
        let seconds = inDay / 1_000
        let millis = inDay % 1_000
        let (year, month, dayOfMonth) = day.civil
        guard (0...9999).contains(year) else {
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            var text = "\(day.iso)T\(two(seconds / 3_600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
            if millis != 0 { text += "." + String(String(millis + 1_000).dropFirst()) }
            return text + "Z"
        }
        // Every event a script sees carries its time: the digits are written directly (no
        // interpolation or intermediate strings), the date by ``Day/iso``'s writer.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var count = Day.writeISO(year, month, dayOfMonth, into: buffer)
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func digits(_ value: Int, _ width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    put(UInt8(truncatingIfNeeded: 48 + value / divisor % 10))
                    divisor /= 10
                }
            }
            put(84)  // T
            digits(seconds / 3_600, 2)
            put(58)
            digits(seconds / 60 % 60, 2)
            put(58)
            digits(seconds % 60, 2)
            if millis != 0 {
                put(46)
                digits(millis, 3)
            }
            put(90)  // Z
            return count
        }
    }

    public var description: String { iso }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
