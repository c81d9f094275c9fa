import RetentionLua
import Synchronization
import Testing

/// A customer-like argument whose fields are made on demand, as the engine passes customers.
private struct Customer: LuaEncodable {
    var id = "c-7"
    var orders: Int64 = 3

    func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable(fieldsOnDemand: true) { table in
            table.set("id", id)
            table.set("order_count", orders)
            table.setTable("tags") { tags in tags.append("coffee" as String) }
        }
    }
}

@Suite("Calling several functions in one step gives what separate calls give")
struct CallEachTests {
    static let source = """
        return {
          count = function(c) return c.order_count end,
          scribble = function(c) c.order_count = 0 return c.order_count end,
          tags = function(c) return #c.tags, c.tags[1] end,
          roll = function(c) return math.random(1, 1000000) end,
          nothing = function(c) end,
          spin = function(c) local n = 0 for i = 1, 110000 do n = n + i end return n end,
          fail = function(c) error("no luck for " .. c.id) end,
        }
        """

    private func load(_ mode: LuaArgumentTables = .guarded, limits: LuaLimits = .default) throws -> (LuaRuntime, LuaPlugin) {
        let runtime = try LuaRuntime(limits: limits, argumentTables: mode)
        return (runtime, try runtime.load(plugin: "each.lua", source: Self.source))
    }

    @Test("Each function's first result, in order, as separate calls with the same seed", arguments: LuaArgumentTables.allModes)
    func sameAsSeparateCalls(_ mode: LuaArgumentTables) throws {
        let (runtime, plugin) = try load(mode)
        // scribble cannot write under read-only tables; elsewhere its write stays in its own table.
        let names = mode == .guarded
            ? ["count", "scribble", "count", "tags", "roll", "nothing", "roll"] : ["count", "tags", "roll", "nothing", "roll"]
        let functions = try names.map { try runtime.function($0, in: plugin) }
        let together = try runtime.callEach(functions, seed: 42) { $0.append(Customer()) }
        let apart = try functions.map { function in try runtime.call(function, seed: 42) { $0.append(Customer()) } }
        #expect(together == apart)
        #expect(together.count == names.count)
        if mode == .guarded { #expect(Array(together.prefix(3)) == [3, 0, 3]) }
        #expect(try runtime.callEach([], arguments: { $0.append(Customer()) }) == [])
    }

    @Test("Each function has a budget of its own: two that each use most of it both finish")
    func budgetPerFunction() throws {
        let (runtime, plugin) = try load(limits: LuaLimits(instructionsPerCall: 400_000, deadline: nil))
        let spin = try runtime.function("spin", in: plugin)
        let results = try runtime.callEach([spin, spin, spin]) { $0.append(Customer()) }
        #expect(results == [6_050_055_000, 6_050_055_000, 6_050_055_000])
        #expect(runtime.lastInstructionCount > 400_000)
    }

    @Test("A failure names the function that failed, and the functions after it do not run")
    func failureStops() throws {
        let runtime = try LuaRuntime()
        let calls = Mutex(0)
        try runtime.register("tick", in: "probe") { _ in
            calls.withLock { $0 += 1 }
            return .nil
        }
        let plugin = try runtime.load(plugin: "stop.lua", source: """
            return {
              fine = function(c) probe.tick() return true end,
              broken = function(c) probe.tick() error("no luck for " .. c.id) end,
            }
            """)
        let fine = try runtime.function("fine", in: plugin)
        let broken = try runtime.function("broken", in: plugin)
        let error = try #require(throws: LuaError.self) {
            try runtime.callEach([fine, broken, fine, fine]) { $0.append(Customer()) }
        }
        #expect(error.function == "broken")
        #expect(error.message.contains("no luck for c-7"))
        #expect(error.line == 3)
        #expect(calls.withLock { $0 } == 2)
        // The runtime is usable at once.
        #expect(try runtime.callEach([fine, fine]) { $0.append(Customer()) } == [true, true])
    }

    @Test("A budget stop in one function is reported for that function")
    func budgetStop() throws {
        let (runtime, plugin) = try load(limits: LuaLimits(instructionsPerCall: 100_000, deadline: nil))
        let functions = try ["count", "spin", "count"].map { try runtime.function($0, in: plugin) }
        let error = try #require(throws: LuaError.self) { try runtime.callEach(functions) { $0.append(Customer()) } }
        #expect(error.code == .budgetExceeded)
        #expect(error.function == "spin")
    }
}
