import PropertyBased
import RetentionKit
import Testing

@Suite("Event timestamps")
struct TimestampTests {
    @Test("ISO 8601 forms", arguments: [
        ("2026-03-14T10:12:00Z", "2026-03-14T10:12:00Z"),
        ("2026-03-14T10:12Z", "2026-03-14T10:12:00Z"),
        ("2026-03-14 10:12:00Z", "2026-03-14T10:12:00Z"),
        ("2026-03-14T10:12:00+01:00", "2026-03-14T09:12:00Z"),
        ("2026-03-14T00:30:00+02:00", "2026-03-13T22:30:00Z"),
        ("2026-03-14T23:30:00-05:00", "2026-03-15T04:30:00Z"),
        ("2026-03-14T10:12:00.5Z", "2026-03-14T10:12:00.500Z"),
        ("2026-03-14T10:12:00.123456Z", "2026-03-14T10:12:00.123Z"),
        ("2026-03-14T10:12:00+0130", "2026-03-14T08:42:00Z"),
        ("2026-03-14", "2026-03-14T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func parses(_ text: String, _ normalised: String) throws {
        #expect(try Timestamp(iso: text).iso == normalised)
    }

    @Test("The UTC day of an instant")
    func day() throws {
        #expect(try Timestamp(iso: "2026-03-14T00:30:00+02:00").day.iso == "2026-03-13")
        #expect(try Timestamp(iso: "1969-12-31T23:59:59Z").day.iso == "1969-12-31")
    }

    @Test("Malformed times are refused with what to write", arguments: [
        "2026-03-14T10:12:00", "2026-03-14T25:00:00Z", "14/03/2026 10:12", "2026-03-14T10:12:00Zjunk", "2026-03-14T10",
        "2026-03-14T10:12:00.Z", "",
    ])
    func malformed(_ text: String) {
        #expect {
            _ = try Timestamp(iso: text)
        } throws: { error in
            "\(error)".contains("write for example 2026-03-14T10:12:00Z")
        }
    }

    @Test("Formatting and parsing round-trip", .tags(.property))
    func roundTrip() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: -2_000_000_000_000...8_000_000_000_000)) { millis in
            let instant = Timestamp(milliseconds: millis)
            #expect((try? Timestamp(iso: instant.iso)) == instant)
        }
    }

    @Test("The written form is the day, then hours, minutes, seconds and milliseconds in their fields, for any instant of years 0 to 9999", .tags(.property))
    func writtenForm() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: -62_167_219_200_000...253_402_300_799_999)) { millis in
            let instant = Timestamp(milliseconds: millis)
            let inDay = millis - Int64(instant.day.number) * 86_400_000
            let seconds = inDay / 1_000
            func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
            var expected = "\(instant.day.iso)T\(two(seconds / 3_600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
            if inDay % 1_000 != 0 { expected += "." + String(String(inDay % 1_000 + 1_000).dropFirst()) }
            #expect(instant.iso == expected + "Z")
        }
        // Outside years 0 to 9999 the year is written in full.
        #expect(Timestamp(milliseconds: -62_167_219_200_001).iso == "-1-12-31T23:59:59.999Z")
    }

    @Test("Any text is either a time or refused with a message, never a crash", .tags(.property))
    func garbage() async {
        let characters = Gen.element(of: Array("0123456789-:T Z+.,z2026-03-14T10:12:00"))
        await propertyCheck(count: 5_000, input: characters.array(of: 0...32)) { pieces in
            let text = String(pieces.compactMap { $0 })
            do {
                let instant = try Timestamp(iso: text)
                #expect((try? Timestamp(iso: instant.iso)) == instant)
            } catch {
                #expect(!"\(error)".isEmpty)
            }
        }
    }
}
