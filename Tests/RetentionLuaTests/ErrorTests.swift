import RetentionLua
import Testing

@Suite("Errors name the plugin, the line and the function")
struct ErrorTests {
    @Test("An error deep in a call chain gives the file, the line and a traceback")
    func deepError() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(
            runtime,
            """
            local function level3(order) return order.customer.tier end
            local function level2(order) local tier = level3(order) return tier end
            local function level1(order) local tier = level2(order) return tier end
            return { f = function(order) local tier = level1(order) return tier end }
            """, name: "plugins/tiers.lua")
        let error = try #require(callError(runtime, f, ["total": 10]))
        #expect(error.code == .runtime)
        #expect(error.plugin == "plugins/tiers.lua")
        #expect(error.line == 1)
        #expect(error.function == "f")
        #expect(error.message.contains("attempt to index a nil value (field 'customer')"))
        #expect(error.traceback.contains("plugins/tiers.lua:2"))
        #expect(error.traceback.contains("plugins/tiers.lua:3"))
        #expect(error.description.hasPrefix("plugins/tiers.lua:1: attempt to index a nil value"))
    }

    @Test("error() with a message and with a table")
    func explicitErrors() throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return {\n f = function(kind)\n if kind == 1 then error('no points for gift cards') end\n error({ code = 7 })\n end }")
        let message = try #require(callError(runtime, f, 1))
        #expect(message.message == "no points for gift cards")
        #expect(message.line == 3)
        let table = try #require(callError(runtime, f, 2))
        #expect(table.message == "(error object is a table value)")
        #expect(table.line == 4)
    }

    @Test("A syntax error names the line")
    func syntaxError() throws {
        let runtime = try LuaRuntime()
        #expect {
            _ = try runtime.load(plugin: "broken.lua", source: "return {\n earn = function(o)\n return o.total +\n end }")
        } throws: { error in
            guard let error = error as? LuaError else { return false }
            return error.code == .syntax && error.plugin == "broken.lua" && error.line == 4
        }
    }

    @Test("A runtime error while loading is reported as such")
    func loadError() throws {
        let runtime = try LuaRuntime()
        #expect {
            _ = try runtime.load(plugin: "boom.lua", source: "local x = nil\nreturn x.y")
        } throws: { error in
            guard let error = error as? LuaError else { return false }
            return error.code == .runtime && error.line == 2
        }
    }

    @Test("A missing function is functionNotFound")
    func missingFunction() throws {
        let runtime = try LuaRuntime()
        let plugin = try runtime.load(plugin: "p.lua", source: "return { earn = 5 }")
        for path in ["tier", "earn", "segments.at_risk", "print"] {
            #expect(throws: LuaError.self) { _ = try runtime.function(path, in: plugin) }
            do {
                _ = try runtime.function(path, in: plugin)
            } catch {
                #expect(error.code == .functionNotFound)
                #expect(error.message.contains("'\(path)'"))
            }
        }
    }

    @Test("Functions are found by dotted path in the returned table, then among the globals")
    func resolution() throws {
        let runtime = try LuaRuntime()
        let plugin = try runtime.load(plugin: "p.lua", source: """
            function helper() return "global" end
            return { segments = { at_risk = function() return "nested" end } }
            """)
        #expect(try runtime.call(runtime.function("segments.at_risk", in: plugin)) == "nested")
        #expect(try runtime.call(runtime.function("helper", in: plugin)) == "global")
    }

    @Test("A result that cannot cross to the host is badResult", arguments: [
        "function() end", "{ f = print }", "(function() local t = {} t.self = t return t end)()", "{ [true] = 1 }",
    ])
    func badResults(_ expression: String) throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() return \(expression) end }")
        let error = try #require(callError(runtime, f))
        #expect(error.code == .badResult)
    }

    @Test("A host function's error becomes a Lua error at the call site, catchable by pcall")
    func hostFunctionErrors() throws {
        let runtime = try LuaRuntime()
        try runtime.register("days_between", in: "retention") { arguments in
            guard arguments.count == 2, let a = arguments[0].integerValue, let b = arguments[1].integerValue else {
                throw HostFunctionError("days_between(a, b) takes two day numbers")
            }
            return .integer(b - a)
        }
        let plugin = try runtime.load(plugin: "h.lua", source: """
            return {
              ok = function() return retention.days_between(10, 45) end,
              bad = function()
                return retention.days_between("x")
              end,
              caught = function() local ok, message = pcall(retention.days_between) return ok, message end,
              replace = function() retention.days_between = nil end,
            }
            """)
        #expect(try runtime.call(runtime.function("ok", in: plugin)) == 35)
        let error = try #require(callError(runtime, try runtime.function("bad", in: plugin)))
        #expect(error.code == .hostFunction)
        #expect(error.line == 4)
        #expect(error.message.contains("takes two day numbers"))
        let caught = try runtime.callReturningAll(runtime.function("caught", in: plugin), arguments: [])
        #expect(caught.first == false)
        #expect(caught.last?.stringValue?.contains("takes two day numbers") == true)
        #expect(callError(runtime, try runtime.function("replace", in: plugin))?.code == .runtime)
    }

    @Test("Every error says how to fix it when there is advice to give")
    func hints() {
        let error = LuaError(code: .budgetExceeded, plugin: "p.lua", function: "earn", line: 3, message: "instruction budget exceeded")
        #expect(error.description.contains("p.lua:3: instruction budget exceeded (in earn)"))
        #expect(error.description.contains("how to fix"))
    }
}
