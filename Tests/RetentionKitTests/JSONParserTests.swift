import PropertyBased
import RetentionKit
import Testing

@Suite("The JSON parser")
struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("Values, with integers kept exact")
    func values() throws {
        #expect(try Self.parse(#" {"a": [1, -2, 3.5, 1e3, true, false, null], "b": "x\"y\u00e9\ud83d\ude00"} "#) == .object([
            ("a", .array([.integer(1), .integer(-2), .number(3.5), .number(1000), .bool(true), .bool(false), .null])),
            ("b", .string("x\"yé😀")),
        ]))
        #expect(try Self.parse("9223372036854775807") == .integer(.max))
        #expect(try Self.parse("9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try Self.parse("-0") == .integer(0))
    }

    @Test("Malformed text is refused with the byte where it goes wrong", arguments: [
        ("{\"a\" 1}", 6), ("[1,]", 4), ("{\"a\":1,}", 8), ("\"abc", 5), ("01", 2), ("1.", 3), ("tru", 1), ("[1 2]", 4),
        ("\"\\x\"", 4), ("{}x", 3), ("", 1), ("\"\\ud800\"", 8),
    ])
    func malformed(_ text: String, _ position: Int) {
        #expect {
            _ = try Self.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError).map { "\($0)".hasPrefix("at byte \(position):") } ?? false
        }
    }

    @Test("Deep nesting is refused, not a stack overflow")
    func depth() {
        #expect(throws: JSONSyntaxError.self) { _ = try Self.parse(String(repeating: "[", count: 10_000)) }
    }

    static let values = Generator<JSONValue, Shrink.None<JSONValue>> { rng in value(depth: 0, using: &rng) }

    static func value(depth: Int, using rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case 3: return .number(Double.random(in: -1e6...1e6, using: &rng))
        case 4: return .string(string(using: &rng))
        case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth + 1, using: &rng) })
        default:
            return .object((0..<Int.random(in: 0...4, using: &rng)).map { _ in (string(using: &rng), value(depth: depth + 1, using: &rng)) })
        }
    }

    static func string(using rng: inout any SeededRandomNumberGenerator) -> String {
        let alphabet = Array("ab\"\\/\n\t\u{1}é😀 {}[],:")
        return String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }

    @Test("Writing and parsing round-trip", .tags(.property))
    func roundTrip() async {
        await propertyCheck(count: 1_000, input: Self.values) { value in
            #expect((try? Self.parse(value.text)) == value, "\(value.text)")
        }
    }

    @Test("Any bytes are parsed or refused, never a crash", .tags(.property))
    func garbage() async {
        let pieces = Gen.element(of: ["{", "}", "[", "]", "\"", ":", ",", "1", "-", ".", "e", "true", "null", "\\", "\\u", "a", " "])
        await propertyCheck(count: 5_000, input: pieces.array(of: 0...20)) { parts in
            let text = parts.compactMap { $0 }.joined()
            if let value = try? Self.parse(text) { #expect((try? Self.parse(value.text)) == value) }
        }
    }
}
