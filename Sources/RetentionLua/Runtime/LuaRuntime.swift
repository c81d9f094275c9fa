import CLuaShim
import Foundation
import Logging

/// One sandboxed Lua 5.4 state that loads plugins and calls their functions.
///
/// A runtime is single-threaded: it is not `Sendable`, so Swift keeps it within one task or
/// thread. To use both cores, give each worker a runtime of its own, or use a
/// ``LuaRuntimePool``.
///
/// ```swift
/// let runtime = try LuaRuntime()
/// let plugin = try runtime.load(plugin: "points.lua", source: """
///     return { earn = function(order) return order.total // 100 end }
///     """)
/// let earn = try runtime.function("earn", in: plugin)
/// let points = try runtime.call(earn, ["total": 2_550])   // .integer(25)
/// ```
///
/// Scripts see `string` (without `string.dump`), `table`, `math`, `utf8` and the safe base
/// functions; the libraries are read-only. `pairs` and `next` visit keys in a fixed order and
/// `math.random` is seeded per call, so the same calls give the same results in every process.
/// Every call runs under ``LuaLimits``; a call that fails throws a ``LuaError`` and leaves the
/// runtime ready for the next call.
public final class LuaRuntime {
    /// The limits of the following calls.
    public var limits: LuaLimits {
        didSet { applyLimits() }
    }

    private let state: OpaquePointer
    private let bridge: HostBridge
    private let arguments = LuaTape()
    private var plugins: [Int32: String] = [:]
    private var isCalling = false

    /// How the tables passed to scripts are protected from writes.
    public var argumentTables: LuaArgumentTables {
        didSet { rk_set_strict_arguments(state, argumentTables == .readOnly ? 1 : 0) }
    }

    /// Creates a runtime. `logger` receives what scripts `print`, with the plugin and line as
    /// metadata.
    public init(
        limits: LuaLimits = .default, argumentTables: LuaArgumentTables = .guarded,
        logger: Logger = Logger(label: "RetentionLua")
    ) throws(LuaError) {
        self.limits = limits
        self.argumentTables = argumentTables
        bridge = HostBridge(logger: logger)
        var cLimits = Self.cLimits(limits)
        guard let state = rk_open(&cLimits, hostCallback, Unmanaged.passUnretained(bridge).toOpaque()) else {
            throw LuaError(
                code: .stateUnavailable, plugin: "", message: "could not create a Lua state within \(limits.memoryBytes) bytes"
            )
        }
        self.state = state
        rk_set_strict_arguments(state, argumentTables == .readOnly ? 1 : 0)
    }

    deinit {
        rk_close(state)
    }

    /// Bytes the runtime holds now.
    public var memoryInUse: Int { rk_memory_in_use(state) }

    /// The most bytes the runtime has held.
    public var peakMemory: Int { rk_memory_peak(state) }

    /// Instructions the last load or call executed, to the nearest ``LuaLimits/checkInterval``
    /// (C work charged to the budget included).
    public var lastInstructionCount: Int64 { rk_last_instructions(state) }

    // MARK: Loading

    /// Loads a plugin from source text, under `name` (errors and tracebacks show it).
    ///
    /// The chunk runs once, in a fresh environment of its own; what it returns (usually a table
    /// of functions) is where ``function(_:in:)`` looks first. Precompiled chunks are refused.
    public func load(plugin name: String, source: String) throws(LuaError) -> LuaPlugin {
        precondition(!isCalling, "a host function cannot load plugins into the runtime calling it")
        var id: Int32 = 0
        var source = source
        let status = source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                rk_load(state, name, chars.baseAddress, chars.count, &id)
            }
        }
        try check(status, plugin: name, function: nil)
        plugins[id] = name
        return LuaPlugin(name: name, id: id, runtime: ObjectIdentifier(self))
    }

    /// Loads a plugin file; its path is its name.
    public func load(contentsOf path: String) throws(LuaError) -> LuaPlugin {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LuaError(code: .fileUnreadable, plugin: path, message: "cannot read the file")
        }
        return try load(plugin: path, source: String(decoding: data, as: UTF8.self))
    }

    /// Finds a function by its dotted path: first in the table the plugin returned, then among
    /// its globals.
    public func function(_ path: String, in plugin: LuaPlugin) throws(LuaError) -> LuaFunction {
        checkOwnership(plugin)
        var reference: Int32 = 0
        try check(rk_resolve(state, plugin.id, path, &reference), plugin: plugin.name, function: nil)
        return LuaFunction(plugin: plugin, path: path, reference: reference)
    }

    /// What a plugin's chunk returned: its data (functions left out) and the dotted paths of
    /// its functions.
    ///
    /// ```swift
    /// let exports = try runtime.exports(of: plugin)
    /// exports.values["name"]          // "coffee-club"
    /// exports.functions               // ["earn", "segments.at_risk"]
    /// ```
    public func exports(of plugin: LuaPlugin) throws(LuaError) -> LuaExports {
        checkOwnership(plugin)
        precondition(!isCalling, "a host function cannot inspect plugins of the runtime calling it")
        try check(rk_inspect(state, plugin.id), plugin: plugin.name, function: nil)
        var resultCount: UInt32 = 0
        var reader = LuaTapeReader(rk_results(state, &resultCount))
        let description = resultCount == 0 ? LuaValue.nil : reader.next()
        let functions = description["functions"].tableValue?.array.compactMap(\.stringValue) ?? []
        return LuaExports(values: description["values"], functions: Set(functions))
    }

    // MARK: Calling

    /// Calls a function with the arguments `build` appends; returns its first result (`nil` when
    /// it returned nothing). `seed` seeds `math.random` for this call (the engine derives it
    /// from the event, so a replay draws the same numbers).
    @inlinable
    public func call(
        _ function: LuaFunction, seed: UInt64 = 0, arguments build: (inout LuaArguments) -> Void
    ) throws(LuaError) -> LuaValue {
        var arguments = LuaArguments(tape: prepareArguments())
        build(&arguments)
        return try invoke(function, count: arguments.count, seed: seed)
    }

    /// Calls a function with values; returns its first result (`nil` when it returned nothing).
    public func call(_ function: LuaFunction, seed: UInt64 = 0, _ values: LuaValue...) throws(LuaError) -> LuaValue {
        try call(function, seed: seed) { arguments in
            for value in values { arguments.append(value) }
        }
    }

    /// Calls a function and decodes its first result as `T`, checking every field; a result of
    /// the wrong shape fails with ``LuaError/Code-swift.struct/badResult`` naming the field.
    ///
    /// ```swift
    /// struct Award: Decodable { var points: Int64; var reason: String }
    /// let awards = try runtime.call(earn, as: [Award].self) { $0.append(order) }
    /// ```
    public func call<T: Decodable>(
        _ function: LuaFunction, seed: UInt64 = 0, as type: T.Type, decoder: LuaValueDecoder = LuaValueDecoder(),
        arguments build: (inout LuaArguments) -> Void
    ) throws(LuaError) -> T {
        let result = try call(function, seed: seed, arguments: build)
        do {
            return try decoder.decode(type, from: result)
        } catch {
            let place = error.path.isEmpty ? "" : " at \(error.path)"
            throw LuaError(
                code: .badResult, plugin: function.plugin.name, function: function.path,
                message: "returned a bad value\(place): \(error.message)")
        }
    }

    /// Calls a function with values and decodes its first result as `T` (see
    /// ``call(_:seed:as:decoder:arguments:)``).
    public func call<T: Decodable>(
        _ function: LuaFunction, seed: UInt64 = 0, as type: T.Type, _ values: LuaValue...
    ) throws(LuaError) -> T {
        try call(function, seed: seed, as: type) { arguments in
            for value in values { arguments.append(value) }
        }
    }

    /// Calls a function with values; returns all of its results.
    public func callReturningAll(
        _ function: LuaFunction, seed: UInt64 = 0, arguments values: [LuaValue]
    ) throws(LuaError) -> [LuaValue] {
        var arguments = LuaArguments(tape: prepareArguments())
        for value in values { arguments.append(value) }
        try run(function, count: arguments.count, seed: seed)
        return allResults()
    }

    /// Calls several functions with the same arguments, in one step into Lua: cheaper than a
    /// ``call(_:seed:arguments:)`` for each, with the same results. Each function gets tables of
    /// its own (what one writes, the next never sees), its own instruction budget and deadline,
    /// and `math.random` seeded from `seed`, as separate calls would. Returns each function's
    /// first result, in order. A failure stops at the function that failed (the error names
    /// it); those after it do not run.
    ///
    /// ```swift
    /// let segments = try ["segments.at_risk", "segments.loyal"].map { try runtime.function($0, in: plugin) }
    /// let answers = try runtime.callEach(segments) { $0.append(customer) }
    /// ```
    public func callEach(
        _ functions: [LuaFunction], seed: UInt64 = 0, arguments build: (inout LuaArguments) -> Void
    ) throws(LuaError) -> [LuaValue] {
        guard !functions.isEmpty else { return [] }
        try callEachRunning(functions, seed: seed, arguments: build)
        return allResults()
    }

    /// Runs ``callEach(_:seed:arguments:)``'s call, leaving the results on the results tape.
    /// Its callers return at once for no functions (the tape would still hold an earlier call's).
    private func callEachRunning(
        _ functions: [LuaFunction], seed: UInt64, arguments build: (inout LuaArguments) -> Void
    ) throws(LuaError) {
        precondition(!functions.isEmpty, "callEach needs at least one function")
        var arguments = LuaArguments(tape: prepareArguments())
        build(&arguments)
        for function in functions { checkOwnership(function.plugin) }
        let references = functions.map(\.reference)
        var failed: UInt32 = 0
        isCalling = true
        let status = references.withUnsafeBufferPointer { references in
            rk_call_each(state, references.baseAddress, UInt32(references.count), self.arguments.view, arguments.count, seed, &failed)
        }
        isCalling = false
        let failing = functions[min(Int(failed), functions.count - 1)]
        try check(status, plugin: failing.plugin.name, function: failing.path)
    }

    /// Calls a function and returns its first result where it lies on the results tape, for
    /// readers that check a result field by field without copying it out. The value is valid
    /// until the runtime's next call.
    func callInPlace(
        _ function: LuaFunction, seed: UInt64, arguments build: (inout LuaArguments) -> Void
    ) throws(LuaError) -> TapeValue {
        var arguments = LuaArguments(tape: prepareArguments())
        build(&arguments)
        try run(function, count: arguments.count, seed: seed)
        var resultCount: UInt32 = 0
        let tape = rk_results(state, &resultCount)
        return resultCount == 0 ? .nil : TapeValue(tape, at: 0)
    }

    /// ``callEach(_:seed:arguments:)`` with each function's result where it lies on the results
    /// tape (see ``callInPlace(_:seed:arguments:)``).
    func callEachInPlace(
        _ functions: [LuaFunction], seed: UInt64, arguments build: (inout LuaArguments) -> Void
    ) throws(LuaError) -> [TapeValue] {
        guard !functions.isEmpty else { return [] }
        try callEachRunning(functions, seed: seed, arguments: build)
        var resultCount: UInt32 = 0
        let tape = rk_results(state, &resultCount)
        var values: [TapeValue] = []
        values.reserveCapacity(Int(resultCount))
        var position = 0
        for _ in 0..<resultCount {
            values.append(TapeValue(tape, at: position))
            position = TapeValue.end(of: position, in: tape)
        }
        return values
    }

    /// Every value the last call returned.
    private func allResults() -> [LuaValue] {
        var resultCount: UInt32 = 0
        var reader = LuaTapeReader(rk_results(state, &resultCount))
        return (0..<resultCount).map { _ in reader.next() }
    }

    @usableFromInline
    func prepareArguments() -> LuaTapeWriter {
        precondition(!isCalling, "a host function cannot call back into the runtime calling it")
        arguments.reset()
        return arguments.writer
    }

    /// Runs the call whose arguments are on the tape; returns the first result.
    @usableFromInline
    func invoke(_ function: LuaFunction, count: UInt32, seed: UInt64) throws(LuaError) -> LuaValue {
        try run(function, count: count, seed: seed)
        var resultCount: UInt32 = 0
        var reader = LuaTapeReader(rk_results(state, &resultCount))
        return resultCount == 0 ? .nil : reader.next()
    }

    private func run(_ function: LuaFunction, count: UInt32, seed: UInt64) throws(LuaError) {
        checkOwnership(function.plugin)
        isCalling = true
        let status = rk_call(state, function.reference, arguments.view, count, seed)
        isCalling = false
        try check(status, plugin: function.plugin.name, function: function.path)
    }

    // MARK: Host functions

    /// Makes a Swift function callable from scripts as `library.name` (or the global `name`).
    /// Register before loading the plugins that use it. Libraries are read-only to scripts.
    ///
    /// An error thrown by `body` becomes a Lua error at the script's call site (scripts can
    /// catch it with `pcall`); it never unwinds through Swift.
    ///
    /// ```swift
    /// try runtime.register("days_between", in: "retention") { arguments in
    ///     guard let a = arguments.first?.integerValue, let b = arguments.last?.integerValue else {
    ///         throw HostFunctionError("days_between(a, b) takes two day numbers")
    ///     }
    ///     return .integer(b - a)
    /// }
    /// ```
    public func register(
        _ name: String, in library: String? = nil, _ body: @escaping ([LuaValue]) throws -> LuaValue
    ) throws(LuaError) {
        let id = bridge.add(body)
        let status = library.map { library in rk_register_host_function(state, library, name, id) }
            ?? rk_register_host_function(state, nil, name, id)
        try check(status, plugin: "", function: nil)
    }

    // MARK: Internals

    private func applyLimits() {
        var cLimits = Self.cLimits(limits)
        rk_set_limits(state, &cLimits)
    }

    private static func cLimits(_ limits: LuaLimits) -> rk_limits {
        let deadline = limits.deadline.map { duration -> Int64 in
            let (seconds, attoseconds) = duration.components
            return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        } ?? 0
        return rk_limits(
            instructions_per_call: limits.instructionsPerCall,
            memory_bytes: limits.memoryBytes,
            deadline_nanoseconds: deadline,
            check_interval: limits.checkInterval
        )
    }

    private func checkOwnership(_ plugin: LuaPlugin) {
        precondition(
            plugin.runtime == ObjectIdentifier(self),
            "plugin '\(plugin.name)' was loaded into another runtime; load it into this one"
        )
    }

    private func check(_ status: Int32, plugin: String, function: String?) throws(LuaError) {
        guard status != Int32(RK_OK.rawValue) else { return }
        throw LuaError(from: rk_last_error(state), status: status, plugin: plugin, function: function, limits: limits)
    }
}

extension LuaError {
    init(from info: rk_error_info, status: Int32, plugin: String, function: String?, limits: LuaLimits) {
        let code: Code =
            switch rk_status(UInt32(status)) {
            case RK_ERR_SYNTAX: .syntax
            case RK_ERR_MEMORY: .memoryLimitExceeded
            case RK_ERR_BUDGET: .budgetExceeded
            case RK_ERR_DEADLINE: .deadlineExceeded
            case RK_ERR_RESULT: .badResult
            case RK_ERR_NOT_FOUND: .functionNotFound
            case RK_ERR_HOST: .hostFunction
            case RK_ERR_ARGUMENTS: .badArguments
            case RK_ERR_STATE: .stateUnavailable
            default: .runtime
            }
        let source = String(cString: info.source)
        var message = String(cString: info.message)
        var line: Int? = info.line > 0 ? Int(info.line) : nil
        // Lua prefixes messages with "source:line:"; keep the place in `line`, not in the text.
        if let (prefixLine, rest) = Self.splitLocation(message, source: source.isEmpty ? plugin : source) {
            line = line ?? prefixLine
            message = rest
        }
        switch code {
        case .budgetExceeded:
            message = "instruction budget exceeded (\(limits.instructionsPerCall) instructions)"
        case .memoryLimitExceeded:
            message = "memory limit exceeded (\(limits.memoryBytes) bytes)"
        case .deadlineExceeded:
            message = "deadline exceeded (\(limits.deadline.map { "\($0)" } ?? "none"))"
        default:
            break
        }
        self.init(
            code: code,
            plugin: source.isEmpty ? plugin : source,
            function: function,
            line: line,
            message: message,
            traceback: String(cString: info.traceback)
        )
    }

    /// Splits "name:12: message" into (12, "message") when `name` is the source, or the
    /// "...tail" Lua writes for a source longer than 60 characters.
    private static func splitLocation(_ message: String, source: String) -> (Int, String)? {
        guard !source.isEmpty else { return nil }
        var searchStart = message.startIndex
        while let colon = message[searchStart...].firstIndex(of: ":") {
            let file = message[..<colon]
            let matches = file == source || (file.hasPrefix("...") && source.hasSuffix(file.dropFirst(3)))
            let afterColon = message.index(after: colon)
            if matches, let lineEnd = message[afterColon...].firstIndex(of: ":"),
               let line = Int(message[afterColon..<lineEnd]) {
                return (line, String(message[message.index(after: lineEnd)...].drop(while: { $0 == " " })))
            }
            searchStart = afterColon
        }
        return nil
    }
}
