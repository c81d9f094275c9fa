import RetentionLua
import Testing

@Suite("The same calls give the same results")
struct DeterminismTests {
    static let script = """
        return { f = function(seed_word)
          local t = {}
          for i = 1, 200 do t["customer-" .. i] = i end
          t[3.5] = "float"; t[true] = "yes"; t[-1] = "minus"
          local order = {}
          for k in pairs(t) do order[#order + 1] = tostring(k) end
          local draws = {}
          for i = 1, 5 do draws[i] = math.random(1, 1000000) end
          return table.concat(order, ","), table.concat(draws, ","), math.random()
        end }
        """

    func run(seed: UInt64) throws -> [LuaValue] {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, Self.script)
        return try runtime.callReturningAll(f, seed: seed, arguments: ["x"])
    }

    @Test("pairs visits keys in a fixed order: numbers, then strings bytewise, then booleans")
    func pairsOrder() throws {
        let keys = try #require(try run(seed: 1).first?.stringValue).split(separator: ",")
        #expect(keys.prefix(2) == ["-1", "3.5"])
        #expect(keys[2] == "customer-1")
        #expect(keys[3] == "customer-10")
        #expect(keys.last == "true")
    }

    @Test("Separate states (each with its own string hash seed) agree")
    func acrossStates() throws {
        let first = try run(seed: 42)
        for _ in 0..<5 { #expect(try run(seed: 42) == first) }
    }

    @Test("math.random follows the call's seed")
    func seededRandom() throws {
        #expect(try run(seed: 7)[1] == run(seed: 7)[1])
        #expect(try run(seed: 7)[1] != run(seed: 8)[1])
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() math.randomseed(99) return math.random(1, 6), math.random(0) end }")
        #expect(try runtime.callReturningAll(f, seed: 1, arguments: []) == runtime.callReturningAll(f, seed: 2, arguments: []))
    }

    @Test("math.random keeps Lua's ranges")
    func randomRanges() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function()
              for i = 1, 2000 do
                local a, b, c = math.random(), math.random(6), math.random(-3, 3)
                if a < 0 or a >= 1 or b < 1 or b > 6 or c < -3 or c > 3 or math.type(b) ~= "integer" then return false end
              end
              return pcall(math.random, 5, 1) == false
            end }
            """)
        #expect(try runtime.call(f) == true)
    }

    @Test("next agrees with pairs and walks the whole table")
    func nextOrder() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function()
              local t = { b = 1, a = 2, [2] = 3, [1] = 4 }
              local out, k = {}, next(t)
              while k ~= nil do out[#out + 1] = tostring(k); k = next(t, k) end
              return table.concat(out, ","), next({}) == nil
            end }
            """)
        #expect(try runtime.callReturningAll(f, arguments: []) == ["1,2,a,b", true])
    }

    @Test("Tables keyed by tables cannot be iterated deterministically, and say so")
    func unorderedKeys() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() for k in pairs({ [{}] = 1 }) do end end }")
        #expect(try #require(callError(runtime, f)).message.contains("deterministic order"))
    }
}
