import PropertyBased
import RetentionLua
import Testing

/// A table of named fields passed with `fieldsOnDemand` (or without, to compare).
private struct Fields: LuaEncodable {
    var fields: [(String, LuaValue)]
    var onDemand = true

    func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable(fieldsOnDemand: onDemand) { table in
            for (key, value) in fields { table.set(key: key, value) }
        }
    }

    static let customer = Fields(fields: [
        ("id", "c-1"), ("tier", "gold"), ("points", 120), ("score", 4.5), ("vip", true),
        ("tags", ["coffee", "tea"]), ("spent", ["USD": 12_500, "EUR": 300]),
        ("progress", ["next": "platinum", "needed": ["USD": 7_500]]),
    ])
}

@Suite("Argument tables whose fields are made on demand read like tables built at once")
struct OnDemandTableTests {
    /// Calls `f` with `argument` and returns its first result.
    private func call(_ runtime: LuaRuntime, _ f: LuaFunction, _ argument: Fields) throws(LuaError) -> LuaValue {
        try runtime.call(f) { $0.append(argument) }
    }

    /// What `body` (the body of `function(t)`) returns for the table on demand and built at once.
    private func both(_ body: String, _ fields: Fields = .customer, mode: LuaArgumentTables = .guarded) throws -> (LuaValue, LuaValue) {
        let runtime = try LuaRuntime(argumentTables: mode)
        let f = try loadFunction(runtime, "return { f = function(t) \(body) end }")
        var eager = fields
        eager.onDemand = false
        return (try call(runtime, f, fields), try call(runtime, f, eager))
    }

    @Test(
        "Reads, traversals, rawget and results give what a table built at once gives",
        arguments: [
            "return { t.id, t.tier, t.points, t.score, t.vip, t.missing }",
            "return { t.tags[2], #t.tags, t.spent.USD, t.progress.needed.USD, math.type(t.points), math.type(t.score) }",
            "local keys = {} for k, v in pairs(t) do keys[#keys + 1] = k .. '=' .. type(v) end return table.concat(keys, ',')",
            "local k = next(t) local k2 = next(t, k) return { k, k2 }",
            "local a = t.tier local keys = {} for k in pairs(t) do keys[#keys + 1] = k end return { a, #keys }",
            "return { rawget(t, 'points'), rawget(t, 'nothing'), rawget(t.spent, 'EUR') }",
            "return t",
            "local _ = t.tier return t",
            "return { #t, type(t), getmetatable(t), tostring(t) }",
            "local n = 0 for _ in ipairs(t) do n = n + 1 end return n",
            "return select('#', t.id, t.none)",
        ]
    )
    func sameReads(_ body: String) throws {
        for mode in LuaArgumentTables.allModes {
            let (onDemand, eager) = try both(body, mode: mode)
            #expect(onDemand == eager, "\(mode): \(body)")
        }
    }

    @Test("Any table of named fields reads the same on demand, field by field and whole", .tags(.property))
    func anyFields() async throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function(t, keys)
              local read = {}
              for _, k in ipairs(keys) do read[#read + 1] = t[k] == nil and "nil" or t[k] end
              return { read = read, whole = t }
            end }
            """)
        let fields = Generator<LuaValue, Shrink.None<LuaValue>> { rng in
            var table = LuaTable()
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                table.fields[ValueTrees.string(using: &rng)] = ValueTrees.value(depth: 1, using: &rng)
            }
            return .table(table)
        }
        await propertyCheck(count: 200, input: fields) { value in
            guard case .table(let table) = value else { return }
            let pairs = table.fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let keys = LuaValue.table(LuaTable(array: (pairs.map { LuaValue.string($0.0) } + ["absent"]).reversed()))
            let results = [true, false].map { onDemand in
                try? runtime.call(f) {
                    $0.append(Fields(fields: pairs, onDemand: onDemand))
                    $0.append(keys)
                }
            }
            #expect(results[0] != nil && results[0] == results[1])
        }
    }

    @Test("Integer keys and fields after long nested tables read as in a table built at once")
    func integerKeysAndLongNestedTables() throws {
        // A nested table of 70,000 entries is too long for its header to record its span, so
        // lookups past it walk it; the shorter ones are stepped over at once.
        struct Mixed: LuaEncodable {
            var onDemand: Bool
            var long: LuaValue
            func encode(to encoder: LuaValueEncoder) {
                encoder.encodeTable(fieldsOnDemand: onDemand) { table in
                    table.set("short", ["a": 1, "b": ["c": 2]] as LuaValue)
                    table.set("long", long)
                    table.set(7, "seven")
                    table.set("after", 42)
                }
            }
        }
        let long = LuaValue.table(LuaTable(array: (0..<70_000).map { LuaValue.integer(Int64($0)) }))
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function(t)
              local keys = 0 for _ in pairs(t) do keys = keys + 1 end
              return { t[7], t.after, t.short.b.c, #t.long, t.long[70000], t[8] == nil, keys }
            end }
            """)
        let results = try [true, false].map { onDemand in try runtime.call(f) { $0.append(Mixed(onDemand: onDemand, long: long)) } }
        #expect(results[0] == ["seven", 42, 2, 70_000, 69_999, true, 4])
        #expect(results[0] == results[1])
    }

    @Test("Adding a field or rawset raises; overwriting one, read or not, stays in that call")
    func writes() throws {
        let runtime = try LuaRuntime()
        let plugin = try runtime.load(plugin: "w.lua", source: """
            return {
              add = function(t) t.bonus = 1 end,
              nested = function(t) t.spent.GBP = 1 end,
              raw = function(t) rawset(t, "points", 1) end,
              overwrite = function(t) t.points = 0 local before = t.tier t.tier = "none" return { t.points, before, t.tier } end,
              read = function(t) return { t.points, t.tier } end,
            }
            """)
        for name in ["add", "nested", "raw"] {
            let error = try #require(throws: LuaError.self, "\(name)") {
                try call(runtime, try runtime.function(name, in: plugin), .customer)
            }
            #expect(error.code == .runtime)
            #expect(error.message.contains("cannot set") || error.message.contains("rawset cannot"), "\(error.message)")
        }
        #expect(try call(runtime, try runtime.function("overwrite", in: plugin), .customer) == [0, "gold", "none"])
        #expect(try call(runtime, try runtime.function("read", in: plugin), .customer) == [120, "gold"])
    }

    @Test("A table kept past its call raises a clear error instead of reading the earlier call's data")
    func keptTable() throws {
        let runtime = try LuaRuntime()
        let plugin = try runtime.load(plugin: "keep.lua", source: """
            local kept
            return {
              keep = function(t) kept = t return t.id end,
              use = function(t) return kept.tier end,
            }
            """)
        #expect(try call(runtime, try runtime.function("keep", in: plugin), .customer) == "c-1")
        let error = try #require(throws: LuaError.self) {
            try call(runtime, try runtime.function("use", in: plugin), .customer)
        }
        #expect(error.code == .runtime)
        #expect(error.message.contains("belongs to an earlier call"))
        #expect(error.line == 4)
    }

    @Test("Under read-only tables the option changes nothing: every write still raises")
    func readOnlyMode() throws {
        let runtime = try LuaRuntime(argumentTables: .readOnly)
        let f = try loadFunction(runtime, "return { f = function(t) t.points = 0 end }")
        let error = try #require(throws: LuaError.self) { try call(runtime, f, .customer) }
        #expect(error.message.contains("cannot set field 'points'"))
    }
}
