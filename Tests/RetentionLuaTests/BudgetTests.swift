import RetentionLua
import Testing

@Suite("Budgets: instructions, memory and the deadline")
struct BudgetTests {
    static let hostile = """
        return {
          ok = function(x) return x + 1 end,
          loop = function() while true do end end,
          recurse = function() local function r(n) return r(n + 1) + 1 end return r(1) end,
          swallow = function()
            while true do pcall(function() while true do end end) end
          end,
          swallow_xpcall = function()
            for i = 1, 1e9 do xpcall(function() while true do end end, function(m) return m end) end
            return "escaped"
          end,
          hoard = function() local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end end,
          swallow_memory = function()
            local t = {}
            for i = 1, 1e9 do pcall(function() t[#t + 1] = ("y"):rep(4096) .. i end) end
            return "escaped"
          end,
          rep_bomb = function() return #string.rep("x", 1 << 40) end,
          pattern_bomb = function() return string.find(string.rep('a', 120), 'a*a*a*a*a*b') end,
          plain_find = function() return string.find(string.rep('a', 100000) .. 'b', 'ab', 1, true) end,
        }
        """

    func hostileRuntime(_ limits: LuaLimits = .default) throws -> (LuaRuntime, LuaPlugin) {
        let runtime = try LuaRuntime(limits: limits)
        return (runtime, try runtime.load(plugin: "hostile.lua", source: Self.hostile))
    }

    @Test("An infinite loop stops with budgetExceeded at its line, and the runtime goes on")
    func infiniteLoop() throws {
        let (runtime, plugin) = try hostileRuntime()
        let error = try #require(callError(runtime, try runtime.function("loop", in: plugin)))
        #expect(error.code == .budgetExceeded)
        #expect(error.plugin == "hostile.lua")
        #expect(error.line == 3)
        #expect(error.function == "loop")
        #expect(try runtime.call(runtime.function("ok", in: plugin), 41) == 42)
    }

    @Test("Runaway recursion stops with a clear error and the runtime goes on")
    func recursion() throws {
        // Deep recursion grows the stack to the memory cap, which can take longer than the
        // deadline in a debug build on a busy machine; the deadline has tests of its own.
        var limits = LuaLimits.default
        limits.deadline = nil
        let (runtime, plugin) = try hostileRuntime(limits)
        let error = try #require(callError(runtime, try runtime.function("recurse", in: plugin)))
        #expect([LuaError.Code.runtime, .budgetExceeded, .memoryLimitExceeded].contains(error.code))
        #expect(error.line == 4)
        #expect(try runtime.call(runtime.function("ok", in: plugin), 1) == 2)
    }

    @Test("A script's own pcall or xpcall cannot catch the stop and go on", arguments: ["swallow", "swallow_xpcall"])
    func pcallCannotCatch(_ name: String) throws {
        let (runtime, plugin) = try hostileRuntime()
        let error = try #require(callError(runtime, try runtime.function(name, in: plugin)))
        #expect(error.code == .budgetExceeded)
        #expect(try runtime.call(runtime.function("ok", in: plugin), 1) == 2)
    }

    @Test("The budget is deterministic: the same call stops after the same instruction count")
    func deterministicBudget() throws {
        let (runtime, plugin) = try hostileRuntime(LuaLimits(instructionsPerCall: 50_000))
        let loop = try runtime.function("loop", in: plugin)
        _ = callError(runtime, loop)
        let first = runtime.lastInstructionCount
        _ = callError(runtime, loop)
        #expect(first == 50_000)
        #expect(runtime.lastInstructionCount == first)
    }

    @Test("A memory bomb stops with memoryLimitExceeded and the memory is given back")
    func memoryBomb() throws {
        let limits = LuaLimits(instructionsPerCall: 1_000_000_000, memoryBytes: 8 << 20, deadline: nil)
        let (runtime, plugin) = try hostileRuntime(limits)
        let before = runtime.memoryInUse
        let error = try #require(callError(runtime, try runtime.function("hoard", in: plugin)))
        #expect(error.code == .memoryLimitExceeded)
        #expect(error.plugin == "hostile.lua")
        #expect(error.line == 12)
        #expect(runtime.peakMemory <= 8 << 20 + 256 * 1024)
        #expect(runtime.memoryInUse < before + 1 << 20)
        #expect(try runtime.call(runtime.function("ok", in: plugin), 1) == 2)
    }

    @Test("Blocks freed by one call serve the next: memory in use stays flat, and what grows or shrinks keeps its contents")
    func memoryIsReused() throws {
        let runtime = try LuaRuntime()
        // Strings and tables from a few bytes to past the small-block pool's 256, grown one
        // element at a time (each growth moves the block) and read back whole.
        let plugin = try runtime.load(plugin: "churn.lua", source: """
            return { churn = function(n)
              local parts, list = {}, {}
              for i = 1, n do
                parts[#parts + 1] = string.char(65 + i % 26)
                list[i] = { i, tostring(i) }
              end
              local text = table.concat(parts)
              local sum = 0
              for i = 1, #list do sum = sum + list[i][1] + #list[i][2] end
              for i = 1, #text do sum = sum + text:byte(i) end
              return sum
            end }
            """)
        let churn = try runtime.function("churn", in: plugin)
        func expected(_ n: Int) -> Int64 {
            var sum: Int64 = 0
            for i in 1...n {
                let digits = Int64(String(i).count)
                sum += Int64(i) + digits + Int64(65 + i % 26)
            }
            return sum
        }
        for n in [1, 15, 16, 17, 100, 255, 256, 257, 600] { #expect(try runtime.call(churn, .integer(Int64(n))) == .integer(expected(n))) }
        for _ in 0..<20 { _ = try runtime.call(churn, 300) }
        let settled = runtime.memoryInUse
        for _ in 0..<2_000 { _ = try runtime.call(churn, 300) }
        #expect(runtime.memoryInUse < settled + 64 * 1024, "\(runtime.memoryInUse) bytes in use after 2,000 calls, \(settled) before")
    }

    @Test("A script that catches memory errors with pcall is still stopped")
    func memoryCannotBeSwallowed() throws {
        let limits = LuaLimits(instructionsPerCall: 1_000_000_000, memoryBytes: 8 << 20, deadline: nil)
        let (runtime, plugin) = try hostileRuntime(limits)
        let error = try #require(callError(runtime, try runtime.function("swallow_memory", in: plugin)))
        #expect(error.code == .memoryLimitExceeded)
        #expect(try runtime.call(runtime.function("ok", in: plugin), 1) == 2)
    }

    @Test("string.rep of a terabyte is refused before it allocates")
    func repBomb() throws {
        let (runtime, plugin) = try hostileRuntime()
        let error = try #require(callError(runtime, try runtime.function("rep_bomb", in: plugin)))
        #expect(error.code == .budgetExceeded)
        #expect(runtime.peakMemory < 4 << 20)
    }

    @Test("A backtracking pattern stops within the budget instead of running for seconds")
    func patternBomb() throws {
        let (runtime, plugin) = try hostileRuntime()
        let clock = ContinuousClock()
        let started = clock.now
        let error = try #require(callError(runtime, try runtime.function("pattern_bomb", in: plugin)))
        #expect(error.code == .budgetExceeded)
        #expect(error.line == 19)
        // Generous: the budget stops it after about a million steps (milliseconds); stock Lua takes minutes.
        #expect(clock.now - started < .seconds(5))
    }

    @Test("A plain find over a long subject stays within the budget")
    func plainFind() throws {
        let (runtime, plugin) = try hostileRuntime()
        #expect(try runtime.callReturningAll(runtime.function("plain_find", in: plugin), arguments: []) == [100_000, 100_001])
    }

    @Test("The deadline is a backstop for a budget set too high")
    func deadline() throws {
        let limits = LuaLimits(instructionsPerCall: .max, deadline: .milliseconds(50))
        let (runtime, plugin) = try hostileRuntime(limits)
        let error = try #require(callError(runtime, try runtime.function("loop", in: plugin)))
        #expect(error.code == .deadlineExceeded)
        #expect(try runtime.call(runtime.function("ok", in: plugin), 1) == 2)
    }

    @Test("Limits can be changed between calls")
    func changingLimits() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function(n) local s = 0 for i = 1, n do s = s + i end return s end }")
        #expect(try runtime.call(f, 10_000) == 50_005_000)
        runtime.limits.instructionsPerCall = 1_000
        #expect(callError(runtime, f, 10_000)?.code == .budgetExceeded)
    }
}

@Suite("Arguments are built under the same limits")
struct ArgumentLimitTests {
    @Test("Arguments too large for the memory cap fail the call cleanly, and the runtime goes on")
    func oversizedArguments() throws {
        let runtime = try LuaRuntime(limits: LuaLimits(memoryBytes: 2 << 20))
        let f = try loadFunction(runtime, "return { f = function(s) return #s end }")
        let huge = String(repeating: "x", count: 4 << 20)
        let error = try #require(callError(runtime, f, .string(huge)))
        #expect(error.code == .memoryLimitExceeded)
        #expect(try runtime.call(f, "small") == 5)
    }

    @Test("Arguments nested deeper than 64 tables are refused")
    func deepArguments() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function(t) return type(t) end }")
        var value: LuaValue = 1
        for _ in 0..<70 { value = .table(LuaTable(array: [value])) }
        let error = try #require(callError(runtime, f, value))
        #expect(error.code == .badArguments)
        #expect(error.message.contains("more than 64 tables deep"))
        #expect(try runtime.call(f, ["ok": true]) == "table")
    }
}
