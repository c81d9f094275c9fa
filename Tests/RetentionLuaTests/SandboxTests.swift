import RetentionLua
import Testing

@Suite("The sandbox")
struct SandboxTests {
    @Test(
        "Removed libraries and functions are unreachable",
        arguments: [
            "io", "os", "debug", "package", "require", "load", "loadfile", "dofile", "collectgarbage",
            "coroutine", "loadstring", "warn", "string.dump", "_G.io", "_G.os", "_ENV.debug", "_G._G.load",
            "_ENV.package",
        ]
    )
    func removed(_ name: String) throws {
        #expect(try evaluate("type(\(name))") == "nil")
    }

    @Test("The string metatable is hidden, so its __index cannot reach the string table")
    func stringMetatable() throws {
        #expect(try evaluate("getmetatable('')") == false)
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() return getmetatable('').__index end }")
        let error = try #require(callError(runtime, f))
        #expect(error.code == .runtime)
        #expect(error.message.contains("attempt to index a boolean value"))
    }

    @Test("Methods on strings still work, through the sandboxed string table")
    func stringMethods() throws {
        #expect(try evaluate("('Hello'):upper() .. ('x'):rep(3)") == "HELLOxxx")
        #expect(try evaluate("type(('x').dump)") == "nil")
    }

    @Test(
        "Libraries are read-only",
        arguments: [
            "string.upper = nil", "table.insert = print", "math.pi = 3", "utf8.char = nil",
            "rawset(string, 'x', 1)", "setmetatable(string, {})", "string.len.x = 1",
        ]
    )
    func readOnlyLibraries(_ statement: String) throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() \(statement) end }")
        let error = try #require(callError(runtime, f))
        #expect(error.code == .runtime)
        // The library is unchanged for the next call.
        let g = try loadFunction(runtime, "return { f = function() return string.upper('a') .. math.floor(math.pi) end }", name: "g.lua")
        #expect(try runtime.call(g) == "A3")
    }

    @Test("A plugin cannot see or change another plugin's globals")
    func isolation() throws {
        let runtime = try LuaRuntime()
        let a = try runtime.load(plugin: "a.lua", source: """
            secret = 42
            function reveal() return secret end
            return {}
            """)
        let b = try runtime.load(plugin: "b.lua", source: """
            return {
              peek = function() return secret, _G.secret, rawget(_G, "secret") end,
              overwrite = function() secret = 1 end,
            }
            """)
        #expect(try runtime.callReturningAll(runtime.function("peek", in: b), arguments: []) == [nil, nil, nil])
        let error = try #require(callError(runtime, try runtime.function("overwrite", in: b)))
        #expect(error.message.contains("read-only"))
        #expect(try runtime.call(runtime.function("reveal", in: a)) == 42)
    }

    @Test("A plugin's globals and the tables it built while loading are read-only afterwards")
    func frozenAfterLoad() throws {
        let runtime = try LuaRuntime()
        let plugin = try runtime.load(plugin: "state.lua", source: """
            local RATES = { gold = 2, silver = 1 }
            counter = 0
            local M = { config = { bonus = 10 } }
            function M.bump_global() counter = counter + 1 end
            function M.bump_local_table() RATES.gold = 3 end
            function M.bump_exports() M.config.bonus = 11 end
            function M.add_export() M.extra = true end
            function M.read() return RATES.gold, M.config.bonus, #RATES, counter end
            return M
            """)
        for name in ["bump_global", "bump_local_table", "bump_exports", "add_export"] {
            let error = try #require(callError(runtime, try runtime.function(name, in: plugin)), "\(name) should fail")
            #expect(error.code == .runtime)
            #expect(error.message.contains("read-only once the plugin has loaded"), "\(error)")
        }
        #expect(try runtime.callReturningAll(runtime.function("read", in: plugin), arguments: []) == [2, 10, 0, 0])
    }

    @Test("Finalizers are refused: they would run outside any budget")
    func noFinalizers() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() setmetatable({}, { __gc = function() end }) end }")
        let error = try #require(callError(runtime, f))
        #expect(error.message.contains("__gc"))
        // Other metatables work.
        #expect(try evaluate("setmetatable({}, { __index = function(_, k) return k .. '!' end }).hi") == "hi!")
    }

    @Test("tostring and string.format never show addresses")
    func noAddresses() throws {
        #expect(try evaluate("tostring({}) .. ' ' .. tostring(print)") == "table function")
        #expect(try evaluate("string.format('%s/%5.1f/%d', {}, 2.25, 7)") == "table/  2.2/7")
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() return string.format('%p', {}) end }")
        #expect(try #require(callError(runtime, f)).message.contains("'%p' is not available"))
    }

    @Test("Precompiled chunks are refused")
    func noBytecode() throws {
        let runtime = try LuaRuntime()
        #expect {
            _ = try runtime.load(plugin: "binary.lua", source: "\u{1B}Lua\u{54}\u{00}")
        } throws: { error in
            let error = try #require(error as? LuaError)
            return error.code == .syntax && error.message.contains("binary")
        }
    }

    @Test("print goes to the host's logger with the plugin and line")
    func printIsLogged() throws {
        let recorder = LogRecorder()
        let runtime = try LuaRuntime(logger: recorder.logger)
        let f = try loadFunction(runtime, "return {\n f = function() print('points', 12, {}, nil) end }", name: "log.lua")
        _ = try runtime.call(f)
        let records = recorder.records
        #expect(records.count == 1)
        #expect(records.first?.message == "points\t12\ttable\tnil")
        #expect(records.first?.metadata["plugin"] == "log.lua")
        #expect(records.first?.metadata["line"] == "2")
    }
}
