import RetentionLua

/// Loads `source` as a plugin named `name` into `runtime` and resolves `function` in it.
func loadFunction(
    _ runtime: LuaRuntime, _ source: String, function: String = "f", name: String = "test.lua"
) throws(LuaError) -> LuaFunction {
    let plugin = try runtime.load(plugin: name, source: source)
    return try runtime.function(function, in: plugin)
}

/// The first value of a Lua expression evaluated in a fresh sandbox.
func evaluate(_ expression: String, limits: LuaLimits = .default) throws(LuaError) -> LuaValue {
    let runtime = try LuaRuntime(limits: limits)
    let f = try loadFunction(runtime, "return { f = function() return \(expression) end }")
    return try runtime.call(f)
}

/// The error a call throws, or nil when it succeeds.
func callError(_ runtime: LuaRuntime, _ function: LuaFunction, _ values: LuaValue...) -> LuaError? {
    do {
        _ = try runtime.callReturningAll(function, arguments: values)
        return nil
    } catch {
        return error
    }
}
