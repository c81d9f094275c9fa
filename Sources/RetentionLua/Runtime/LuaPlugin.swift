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
