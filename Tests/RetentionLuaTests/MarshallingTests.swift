import PropertyBased
import RetentionKit
import RetentionLua
import Testing

@Suite("Values cross the boundary unchanged")
struct MarshallingTests {
    static let identity = "return { f = function(...) return ... end }"

    @Test(
        "Integers stay integers and floats stay floats",
        arguments: [
            LuaValue.integer(0), .integer(-1), .integer(.max), .integer(.min), .integer(9_007_199_254_740_993),
            .number(0.5), .number(-0.0), .number(2.0), .number(1e300), .number(-.infinity), .number(.leastNonzeroMagnitude),
        ]
    )
    func numbers(_ value: LuaValue) throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, Self.identity)
        let back = try runtime.call(f, value)
        #expect(back == value)
        if case .number(let x) = value, x == 0 { #expect(back == .number(x) && back.description == value.description) }
    }

    @Test("Lua sees integers as integers: math.type and integer division")
    func integerSemantics() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function(cents, price) return math.type(cents), math.type(price), cents // 100 end }")
        let results = try runtime.callReturningAll(f, arguments: [.integer(2_550), .number(25.5)])
        #expect(results == ["integer", "float", 25])
    }

    @Test("Strings keep every byte, including NUL and UTF-8")
    func strings() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function(s) return s, #s end }")
        let text = "a\u{0}b £5 — 日本"
        #expect(try runtime.callReturningAll(f, arguments: [.string(text)]) == [.string(text), .integer(Int64(text.utf8.count))])
    }

    @Test("Strings of every short length arrive whole, several in one call, stored inline or on the heap")
    func shortStrings() throws {
        // The tape copies strings up to 16 bytes by words; each length takes its own path.
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function(t) local out = {} for i, s in ipairs(t) do out[i] = s .. '|' .. #s end return out end }")
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789é日")
        for length in 0...40 {
            let inline = String((0..<length).map { alphabet[($0 * 7 + length) % alphabet.count] })
            var heap = String(inline)
            heap.reserveCapacity(64) // a native string even when short enough to be stored inline
            let strings = [inline, heap, String(inline.reversed())]
            let back = try runtime.call(f, .table(LuaTable(array: strings.map { .string($0) })))
            #expect(back == .table(LuaTable(array: strings.map { .string("\($0)|\($0.utf8.count)") })), "length \(length)")
        }
    }

    @Test("Nested tables: arrays, fields, other integer keys")
    func nestedTables() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function()
              return { 10, 20, { sku = "MUG", tags = { "gift", "sale" } }, [0] = "zero", [-5] = true, [7] = 7.5,
                       order = { id = "1001", total = 2550, lines = {} } }
            end }
            """)
        let expected = LuaValue.table(
            LuaTable(
                array: [10, 20, ["sku": "MUG", "tags": ["gift", "sale"]]],
                fields: ["order": ["id": "1001", "total": 2550, "lines": .table(LuaTable())]],
                integerKeys: [0: "zero", -5: true, 7: 7.5]
            ))
        #expect(try runtime.call(f) == expected)
    }

    @Test(
        "Arguments nested 64 tables deep arrive whole, by name, by index and by other integer keys, several at once",
        arguments: [LuaArgumentTables.guarded, .readOnly])
    func deepArguments(_ tables: LuaArgumentTables) throws {
        let runtime = try LuaRuntime(argumentTables: tables)
        let f = try loadFunction(runtime, """
            return { f = function(...)
              local depths = {}
              for i, t in ipairs({ ... }) do
                local n = 0
                while type(t) == "table" do n = n + 1; t = t.k or t[1] or t[-1] end
                depths[i] = n * 1000 + t
              end
              return table.unpack(depths)
            end }
            """)
        func nested(_ wrap: (LuaValue) -> LuaValue, leaf: Int64) -> LuaValue {
            var value = LuaValue.integer(leaf)
            for _ in 0..<64 { value = wrap(value) }
            return value
        }
        let byName = nested({ .table(LuaTable(fields: ["k": $0])) }, leaf: 1)
        let byIndex = nested({ .table(LuaTable(array: [$0])) }, leaf: 2)
        let byKey = nested({ .table(LuaTable(integerKeys: [-1: $0])) }, leaf: 3)
        let results = try runtime.callReturningAll(f, arguments: [byName, byIndex, byKey, byName])
        #expect(results == [64_001, 64_002, 64_003, 64_001])
    }

    @Test("Any value tree round-trips through a script", .tags(.property))
    func roundTrip() async throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, Self.identity)
        await propertyCheck(count: 300, input: ValueTrees.generator) { value in
            #expect((try? runtime.call(f, value)) == value)
        }
    }

    @Test("Values encoded through LuaEncodable arrive as built")
    func encodable() throws {
        struct Line: LuaEncodable {
            var sku: String, quantity: Int64, unitPrice: Int64
            func encode(to encoder: LuaValueEncoder) {
                encoder.encodeTable { table in
                    table.set("sku", sku)
                    table.set("quantity", quantity)
                    table.set("unit_price", unitPrice)
                }
            }
        }
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function(order)
              local total = 0
              for _, line in ipairs(order.lines) do total = total + line.quantity * line.unit_price end
              return { total = total, count = #order.lines, first = order.lines[1].sku, paid = order.paid, note = order.note }
            end }
            """)
        let result = try runtime.call(f) { arguments in
            arguments.appendTable { order in
                order.set("id", "1001")
                order.set("paid", true)
                order.set("note", String?.none)
                order.set("lines", [Line(sku: "MUG", quantity: 2, unitPrice: 1_250), Line(sku: "TEA", quantity: 1, unitPrice: 900)])
            }
        }
        #expect(result == ["total": 3_400, "count": 2, "first": "MUG", "paid": true])
    }

    @Test("Dates arrive as their ISO text, made in Lua when read: the same as Day.iso, from year 0 to 9999 and beyond",
          .tags(.property))
    func dates() async throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function(t) return t.on end }")
        struct Dated: LuaEncodable {
            var day: Day, onDemand: Bool
            func encode(to encoder: LuaValueEncoder) {
                encoder.encodeTable(fieldsOnDemand: onDemand) { table in table.set("on", day) }
            }
        }
        func roundTrip(_ day: Day, onDemand: Bool) throws -> LuaValue {
            try runtime.call(f) { arguments in arguments.append(Dated(day: day, onDemand: onDemand)) }
        }
        for number: Int32 in [0, -1, 59, 60, -719_528, 2_932_896, 2_932_897, -719_529, 20_526] {
            let day = Day(number: number)
            #expect(try roundTrip(day, onDemand: true) == .string(day.iso), "day \(number)")
            #expect(try roundTrip(day, onDemand: false) == .string(day.iso), "day \(number)")
        }
        #expect(try roundTrip(Day(number: 0), onDemand: true) == "1970-01-01")
        #expect(try roundTrip(Day(number: -719_528), onDemand: true) == "0000-01-01")
        #expect(try roundTrip(Day(number: 2_932_896), onDemand: false) == "9999-12-31")
        await propertyCheck(count: 2_000, input: Gen.int(in: -800_000...3_000_000)) { number in
            let day = Day(number: Int32(number))
            let text = try roundTrip(day, onDemand: number % 2 == 0)
            #expect(text == .string(day.iso))
        }
    }

    static let writes = [
        "order.total = 0", "order.bonus = 1", "order.lines[1].quantity = 99", "table.insert(order.lines, {})",
        "rawset(order, 'total', 0)", "setmetatable(order, {})", "order.lines[3] = {}",
        "table.sort(order.lines, function(a, b) return a.quantity > b.quantity end)",
    ]

    @Test("In read-only mode every write to an argument raises", arguments: writes)
    func readOnlyArguments(_ statement: String) throws {
        let runtime = try LuaRuntime(argumentTables: .readOnly)
        let f = try loadFunction(runtime, "return { f = function(order) \(statement) end }")
        let order: LuaValue = ["total": 2_500, "lines": [["quantity": 1], ["quantity": 2]]]
        let error = try #require(callError(runtime, f, order))
        #expect(error.code == .runtime)
    }

    @Test(
        "In guarded mode adding a field raises, and overwriting one stays in that call",
        arguments: LuaArgumentTables.allModes
    )
    func guardedArguments(_ mode: LuaArgumentTables) throws {
        let runtime = try LuaRuntime(argumentTables: mode)
        let plugin = try runtime.load(plugin: "w.lua", source: """
            return {
              add = function(order) order.bonus = 1 end,
              add_line = function(order) order.lines[3] = {} end,
              insert = function(order) table.insert(order.lines, {}) end,
              raw = function(order) rawset(order, "bonus", 1) end,
              overwrite = function(order) order.total = 0 order.lines[1].quantity = 99 return order.total end,
              read = function(order) return order.total, order.lines[1].quantity end,
            }
            """)
        let order: LuaValue = ["total": 2_500, "lines": [["quantity": 1], ["quantity": 2]]]
        for name in ["add", "add_line", "insert", "raw"] {
            let error = try #require(callError(runtime, try runtime.function(name, in: plugin), order), "\(name)")
            #expect(error.code == .runtime)
        }
        let overwrite = try runtime.function("overwrite", in: plugin)
        if mode == .guarded {
            #expect(try runtime.call(overwrite, order) == 0)
        } else {
            #expect(callError(runtime, overwrite, order)?.message.contains("cannot set field 'total'") == true)
        }
        // Whatever the last call did, the next one sees the engine's values.
        #expect(try runtime.callReturningAll(runtime.function("read", in: plugin), arguments: [order]) == [2_500, 1])
    }

    @Test("Protected arguments still read like plain tables: #, ipairs, pairs, next", arguments: LuaArgumentTables.allModes)
    func readOnlyReads(_ mode: LuaArgumentTables) throws {
        let runtime = try LuaRuntime(argumentTables: mode)
        let f = try loadFunction(runtime, """
            return { f = function(order)
              local keys = {}
              for k in pairs(order) do keys[#keys + 1] = k end
              local n = 0
              for _, line in ipairs(order.lines) do n = n + line end
              return #order.lines, n, table.concat(keys, ","), next(order), table.concat(order.lines, "+")
            end }
            """)
        let results = try runtime.callReturningAll(f, arguments: [["total": 1, "lines": [1, 2, 3], "id": "x"]])
        #expect(results == [3, 6, "id,lines,total", "id", "1+2+3"])
    }

    @Test("Even a read-only view's data is a fresh copy: nothing a call leaves behind reaches the next")
    func freshArguments() throws {
        let runtime = try LuaRuntime(argumentTables: .readOnly)
        let f = try loadFunction(runtime, """
            return { f = function(order)
              local mt = order.__index  -- the data behind the read-only view
              local before = order.total
              mt.total = 0
              return before
            end }
            """)
        #expect(try runtime.call(f, ["total": 7]) == 7)
        #expect(try runtime.call(f, ["total": 7]) == 7)
    }
}

extension LuaArgumentTables {
    static let allModes: [LuaArgumentTables] = [.guarded, .readOnly]
}

extension Tag {
    @Tag static var property: Self
}

/// Random value trees for the round-trip property.
enum ValueTrees {
    static let generator = Generator<LuaValue, Shrink.None<LuaValue>> { rng in
        value(depth: 0, using: &rng)
    }

    static func value(depth: Int, using rng: inout any SeededRandomNumberGenerator) -> LuaValue {
        let kinds = depth >= 3 ? 5 : 7
        switch Int.random(in: 0..<kinds, using: &rng) {
        case 0: return .boolean(Bool.random(using: &rng))
        case 1: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case 2: return .integer(Int64.random(in: -1_000...1_000, using: &rng))
        case 3: return .number(Double.random(in: -1e12...1e12, using: &rng))
        case 4: return .string(string(using: &rng))
        default:
            var table = LuaTable()
            for _ in 0..<Int.random(in: 0...4, using: &rng) { table.array.append(value(depth: depth + 1, using: &rng)) }
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                table.fields[string(using: &rng)] = value(depth: depth + 1, using: &rng)
            }
            if Bool.random(using: &rng) {
                table.integerKeys[Int64.random(in: -50...0, using: &rng)] = value(depth: depth + 1, using: &rng)
            }
            return .table(table)
        }
    }

    static func string(using rng: inout any SeededRandomNumberGenerator) -> String {
        let alphabet = Array("abcxyz_019 £é日\u{0}")
        return String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }
}
