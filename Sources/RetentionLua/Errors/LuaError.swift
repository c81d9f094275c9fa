/// Why a script could not be loaded or called, and where.
///
/// Every error names the plugin and, when Lua knows it, the line; its ``description`` says what
/// went wrong and how to fix it:
///
/// ```swift
/// do {
///     _ = try runtime.call(earn, order)
/// } catch let error where error.code == .budgetExceeded {
///     print(error)   // "plugins/earn.lua:12: instruction budget exceeded (1000000 instructions) ..."
/// }
/// ```
///
/// A failed call leaves the runtime usable: the next call starts with a fresh budget.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; match the ones you handle.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case runtime = "runtime error"
            case syntax = "syntax error"
            case memoryLimitExceeded = "memory limit exceeded"
            case budgetExceeded = "instruction budget exceeded"
            case deadlineExceeded = "deadline exceeded"
            case badResult = "bad result"
            case functionNotFound = "function not found"
            case hostFunction = "host function failed"
            case badArguments = "bad arguments"
            case stateUnavailable = "runtime unavailable"
            case fileUnreadable = "file unreadable"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The script raised an error (`error()`, arithmetic on `nil`, calling a missing function...).
        public static let runtime = Code(.runtime)
        /// The plugin did not compile, or was not source text.
        public static let syntax = Code(.syntax)
        /// The runtime's memory cap was reached.
        public static let memoryLimitExceeded = Code(.memoryLimitExceeded)
        /// The call used up its instruction budget.
        public static let budgetExceeded = Code(.budgetExceeded)
        /// The call ran past its wall-clock deadline.
        public static let deadlineExceeded = Code(.deadlineExceeded)
        /// The script returned something the host cannot use (a function, a cycle, a wrong type).
        public static let badResult = Code(.badResult)
        /// The plugin has no function by that name.
        public static let functionNotFound = Code(.functionNotFound)
        /// A host function the script called failed.
        public static let hostFunction = Code(.hostFunction)
        /// The host passed arguments the runtime could not build.
        public static let badArguments = Code(.badArguments)
        /// The Lua state could not be created.
        public static let stateUnavailable = Code(.stateUnavailable)
        /// A plugin file could not be read.
        public static let fileUnreadable = Code(.fileUnreadable)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The plugin (its chunk name: the file path or the name it was loaded under).
    public var plugin: String
    /// The function that was called, when the failure happened in a call.
    public var function: String?
    /// The line in ``plugin`` where it happened, when known.
    public var line: Int?
    /// What went wrong, without the location prefix.
    public var message: String
    /// Lua's stack traceback at the point of failure ("" when there is none).
    public var traceback: String

    public init(
        code: Code, plugin: String, function: String? = nil, line: Int? = nil, message: String,
        traceback: String = ""
    ) {
        self.code = code
        self.plugin = plugin
        self.function = function
        self.line = line
        self.message = message
        self.traceback = traceback
    }

    /// "plugin:line: message (in function 'f')", then how to fix it, then the traceback.
    public var description: String {
        var text = plugin
        if let line { text += ":\(line)" }
        text += ": \(message)"
        if let function { text += " (in \(function))" }
        if let hint { text += "\n  how to fix: \(hint)" }
        if !traceback.isEmpty { text += "\n" + traceback }
        return text
    }

    /// Advice for the person who wrote the script or configured the limits.
    public var hint: String? {
        switch code {
        case .budgetExceeded:
            "the call ran more instructions than LuaLimits.instructionsPerCall allows; look for a loop that never ends or a pattern that backtracks, or raise the limit"
        case .memoryLimitExceeded:
            "the runtime reached LuaLimits.memoryBytes; look for a table or string that keeps growing, or raise the limit"
        case .deadlineExceeded:
            "the call took longer than LuaLimits.deadline; make the rule do less work per call, or raise the deadline"
        case .syntax:
            "fix the Lua syntax at that line (plugins must be source text; precompiled chunks are refused)"
        case .functionNotFound:
            "define the function in the table the plugin returns (or as a global of the plugin)"
        case .badResult:
            "return only numbers, strings, booleans and tables of them"
        case .fileUnreadable:
            "check the path and the file's permissions"
        default:
            nil
        }
    }
}
