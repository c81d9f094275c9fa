import PropertyBased
import RetentionKit
import Testing

@Suite("Calendar days")
struct DayTests {
    @Test("Known days", arguments: [
        ("1970-01-01", Int32(0)), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-02-29", 11_016),
        ("2026-03-14", 20_526), ("2024-12-31", 20_088),
    ])
    func known(_ iso: String, _ number: Int32) throws {
        #expect(try Day(iso: iso).number == number)
        #expect(Day(number: number).iso == iso)
    }

    @Test("ISO times read their date part")
    func isoTimes() throws {
        #expect(try Day(iso: "2026-03-14T23:59:59Z") == Day(iso: "2026-03-14"))
    }

    @Test("Bad dates are refused with the text", arguments: ["2026-02-29", "2026-13-01", "2026-1-1", "14/03/2026", "", "2026-03-1x"])
    func bad(_ text: String) {
        #expect(throws: DayError.self) { _ = try Day(iso: text) }
    }

    @Test("Ends of month, quarter and year")
    func ends() throws {
        let day = try Day(iso: "2024-02-10")
        #expect(day.endOfMonth.iso == "2024-02-29")
        #expect(day.endOfQuarter.iso == "2024-03-31")
        #expect(day.endOfYear.iso == "2024-12-31")
        #expect(try Day(iso: "2026-11-23").endOfQuarter.iso == "2026-12-31")
    }

    @Test("Arithmetic")
    func arithmetic() throws {
        let a = try Day(iso: "2026-03-14")
        #expect((a + 30).iso == "2026-04-13")
        #expect((a + 30) - a == 30)
        #expect((a - 14).iso == "2026-02-28")
    }

    @Test("Day numbers and civil dates round-trip", .tags(.property))
    func roundTrip() async {
        await propertyCheck(count: 2_000, input: Gen.int32(in: -800_000...800_000)) { number in
            let day = Day(number: number)
            let (y, m, d) = day.civil
            #expect(Day(year: y, month: m, day: d) == day)
            #expect((try? Day(iso: day.iso)) == (y >= 0 && y <= 9999 ? day : nil))
        }
    }

    @Test("Any text is either a day or refused, never a crash", .tags(.property))
    func garbage() async {
        let characters = Gen.element(of: Array("0123456789--/T 2026-03-14"))
        await propertyCheck(count: 3_000, input: characters.array(of: 0...14)) { pieces in
            let text = String(pieces.compactMap { $0 })
            if let day = try? Day(iso: text) { #expect(day.iso == String(text.prefix(10))) }
        }
    }
}
