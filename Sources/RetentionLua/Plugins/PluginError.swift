import RetentionKit

/// Why a plugin could not be loaded, or why one of its hooks failed on an event.
///
/// It names the plugin file, the plugin's declared name when known, the hook ("earn",
/// "tier", "segments.at_risk", "triggers"), the field of a bad result and the line of a Lua
/// error, and says how to fix it:
///
/// ```swift
/// do {
///     let plugins = try LuaPlugins(files: ["Plugins/purchase-points.lua", "Plugins/spend-tiers.lua"])
/// } catch {
///     print(error)   // "Plugins/spend-tiers.lua (plugin spend-tiers): tiers: ... how to fix: ..."
/// }
/// ```
public struct PluginError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match the ones you handle.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case load = "load failed"
            case contract = "plugin contract broken"
            case hookFailed = "hook failed"
            case badResult = "bad result"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read or compiled, or failed while loading (``cause`` says why).
        public static let load = Code(.load)
        /// The returned table breaks the plugin contract: no name, an unknown `api`, a name
        /// used twice, two plugins defining `tier`, an unknown field.
        public static let contract = Code(.contract)
        /// A hook raised an error or ran out of budget, memory or time (``cause`` says which).
        public static let hookFailed = Code(.hookFailed)
        /// A hook returned something the engine cannot use (``field`` says where).
        public static let badResult = Code(.badResult)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The plugin file (the chunk name it was loaded under).
    public var file: String
    /// The name the plugin declares, when it got that far.
    public var plugin: String?
    /// The hook that failed: "earn", "tier", "segments.<name>", "triggers".
    public var hook: String?
    /// The field of a bad result or of the plugin table, in Lua terms ("[2].points", "tiers").
    public var field: String?
    /// The line in ``file``, when known.
    public var line: Int?
    /// What went wrong.
    public var message: String
    /// How to fix it.
    public var hint: String?
    /// The Lua error underneath, for load and hook failures.
    public var cause: LuaError?

    public init(
        code: Code, file: String, plugin: String? = nil, hook: String? = nil, field: String? = nil, line: Int? = nil,
        message: String, hint: String? = nil, cause: LuaError? = nil
    ) {
        self.code = code
        self.file = file
        self.plugin = plugin
        self.hook = hook
        self.field = field
        self.line = line
        self.message = message
        self.hint = hint
        self.cause = cause
    }

    /// A Lua error from loading or a hook, with the plugin's name and hook.
    init(_ error: LuaError, code: Code, plugin: String?, hook: String?) {
        self.init(
            code: code, file: error.plugin, plugin: plugin, hook: hook, line: error.line, message: error.message,
            hint: error.hint, cause: error)
    }

    /// "file:line (plugin name, hook h): field: message", then how to fix it, then the traceback.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        var context: [String] = []
        if let plugin { context.append("plugin \(plugin)") }
        if let hook { context.append("hook \(hook)") }
        if !context.isEmpty { text += " (\(context.joined(separator: ", ")))" }
        text += ": "
        if let field { text += "\(field): " }
        text += message
        if let hint { text += "\n  how to fix: \(hint)" }
        if let traceback = cause?.traceback, !traceback.isEmpty { text += "\n" + traceback }
        return text
    }
}

extension PluginError: RuleFailure {
    /// The plugin the error came from, which the engine records on the rejected event.
    public var ruleName: String? { plugin }
}
