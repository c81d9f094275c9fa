import RetentionLua
import Testing

@Suite("Results are checked against the shape the host expects")
struct DecodingTests {
    struct Award: Decodable, Equatable {
        var points: Int64
        var reason: String
        var pendingDays: Int64?
    }

    struct Tiering: Decodable, Equatable {
        var tier: String
        var upgrade: Bool
        var thresholds: [Int64]
        var note: String?
    }

    let decoder = LuaValueDecoder()

    @Test("Well-formed values decode, snake_case fields into camelCase properties")
    func decodes() throws {
        let value: LuaValue = [["points": 120, "reason": "purchase", "pending_days": 30], ["points": 5, "reason": "review"]]
        #expect(
            try decoder.decode([Award].self, from: value) == [
                Award(points: 120, reason: "purchase", pendingDays: 30), Award(points: 5, reason: "review", pendingDays: nil),
            ])
        let tiering: LuaValue = ["tier": "gold", "upgrade": true, "thresholds": [0, 50_000, 200_000]]
        #expect(
            try decoder.decode(Tiering.self, from: tiering)
                == Tiering(tier: "gold", upgrade: true, thresholds: [0, 50_000, 200_000], note: nil))
        #expect(try decoder.decode([Award].self, from: .table(LuaTable())) == [])
    }

    static let badAwards: [(LuaValue, String)] = [
            ([["points": 120, "reason": "purchase"], ["points": 2.5, "reason": "x"]],
             "[2].points: expected an integer, got the float 2.5 (use // for integer division, or math.floor)"),
            ([["points": 1]], "[1].reason: expected a string, but it is missing (nil)"),
            ([["points": "10", "reason": "x"]], "[1].points: expected an integer, got the string \"10\""),
            ([["points": 1, "reason": "x", "pending_days": true]], "[1].pending_days: expected an integer, got the boolean true"),
            (["points": 1, "reason": "x"], "expected a list, got a table with the field 'points'"),
            (7, "expected a list (a table with entries 1, 2, 3, …), got the integer 7"),
            ([[ "points": 1, "reason": "x"], 3], "[2]: expected a table, got the integer 3"),
    ]

    @Test("A wrong field is named by its Lua path, with what was expected", arguments: badAwards)
    func errors(_ value: LuaValue, _ expected: String) {
        #expect(throws: LuaDecodingError.self) { _ = try decoder.decode([Award].self, from: value) }
        do {
            _ = try decoder.decode([Award].self, from: value)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test("Out-of-range integers are refused")
    func range() {
        struct Small: Decodable { var count: Int8 }
        #expect(throws: LuaDecodingError.self) { _ = try decoder.decode(Small.self, from: ["count": 300]) }
    }

    @Test("call(_:as:) names the plugin, the function and the field of a bad result")
    func badResultFromCall() throws {
        let runtime = try LuaRuntime()
        let plugin = try runtime.load(plugin: "awards.lua", source: """
            return {
              good = function(order) return { { points = order.total // 100, reason = "purchase" } } end,
              bad = function(order) return { { points = order.total / 100, reason = "purchase" } } end,
            }
            """)
        let good = try runtime.call(runtime.function("good", in: plugin), as: [Award].self, ["total": 2_550])
        #expect(good == [Award(points: 25, reason: "purchase")])
        do {
            _ = try runtime.call(runtime.function("bad", in: plugin), as: [Award].self, ["total": 2_550])
            Issue.record("a float for points should be refused")
        } catch {
            #expect(error.code == .badResult)
            #expect(error.plugin == "awards.lua")
            #expect(error.function == "bad")
            #expect(error.message == "returned a bad value at [1].points: expected an integer, got the float 25.5 (use // for integer division, or math.floor)")
        }
    }
}
