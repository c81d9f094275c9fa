import PropertyBased
import RetentionKit
import Testing

@Suite("StateCoder keeps values exactly")
struct StateCoderTests {
    @Test("Every event comes back equal from its encoded form")
    func eventsRoundTrip() async {
        await propertyCheck(count: 2_000, input: EventParserTests.events) { event in
            let bytes = try StateCoder.encode(event)
            #expect(try StateCoder.decode(Event.self, from: bytes) == event)
        }
    }

    @Test("Integers at their limits, optionals, nested lists and dictionaries come back equal")
    func edges() throws {
        struct Sample: Codable, Equatable {
            var small: Int8 = .min
            var large: Int64 = .max
            var negative: Int64 = .min
            var unsigned: UInt64 = .max
            var ratio = 0.1
            var missing: String? = nil
            var present: String? = "é ☕"
            var nested: [[Int?]] = [[1, nil, -3], []]
            var byCurrency: [Currency: Int64] = [.usd: 1_250, .jpy: -7]
            var days: Set<Day> = [Day(number: 0), Day(number: -365)]
        }
        let sample = Sample()
        #expect(try StateCoder.decode(Sample.self, from: StateCoder.encode(sample)) == sample)
    }

    @Test("Damaged bytes are refused with an error, never a crash")
    func damagedBytes() async throws {
        let bytes = try StateCoder.encode(EngineTests.newCustomer)
        await propertyCheck(count: 3_000, input: Gen.int(in: 0...(bytes.count - 1)), Gen.int(in: 0...255)) { index, value in
            var damaged = bytes
            damaged[index] = UInt8(value)
            _ = try? StateCoder.decode(Event.self, from: damaged)
            _ = try? StateCoder.decode(Event.self, from: Array(damaged[..<index]))
        }
    }
}
