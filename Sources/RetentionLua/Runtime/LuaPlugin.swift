/// A plugin loaded into one ``LuaRuntime``.
///
/// Each plugin runs in an environment of its own: it cannot see or change another plugin's
/// globals, and once it has loaded, its globals and every table it built are read-only.
public struct LuaPlugin: Sendable, Hashable {
    /// The chunk name the plugin was loaded under (its file path, or the name given); errors and
    /// tracebacks use it.
    public let name: String
    let id: Int32
    let runtime: ObjectIdentifier
}

/// A function of a plugin, looked up once and called many times.
///
/// ```swift
/// let earn = try runtime.function("earn", in: plugin)
/// let points = try runtime.call(earn, order)
/// ```
public struct LuaFunction: Sendable, Hashable {
    /// The plugin that defines it.
    public let plugin: LuaPlugin
    /// The dotted path it was found under ("earn", "segments.at_risk").
    public let path: String
    let reference: Int32
}

/// What a plugin's chunk returned, as the host sees it.
public struct LuaExports: Sendable, Hashable {
    /// The returned value without its functions (a table, usually).
    public var values: LuaValue
    /// The dotted paths of the functions it holds ("earn", "segments.at_risk"), or "" when the
    /// chunk returned a function.
    public var functions: Set<String>

    public init(values: LuaValue, functions: Set<String>) {
        self.values = values
        self.functions = functions
    }
}
