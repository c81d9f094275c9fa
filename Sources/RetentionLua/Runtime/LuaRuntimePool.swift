import Synchronization

/// A fixed set of runtimes that share the work of independent customers across cores.
///
/// Each runtime is set up the same way (the same plugins, in the same order) and owns a
/// `Context` of your choosing, typically the functions you resolved in it. Work for one key
/// (a customer id) always goes to the same runtime, chosen by a stable hash, so a customer's
/// calls stay in order and the split is the same in every process.
///
/// ```swift
/// let pool = try LuaRuntimePool(count: 2) { runtime in
///     try LuaPlugins.registerLibrary(in: runtime)
///     let plugin = try runtime.load(contentsOf: "Plugins/review-points.lua")
///     return try runtime.function("earn", in: plugin)
/// }
/// let points = try pool.withRuntime(forKey: "customer-42") { runtime, earn in
///     try runtime.call(earn, ["total": 2_550])
/// }
/// ```
public final class LuaRuntimePool<Context>: Sendable {
    private final class Member: Sendable {
        let entry: Mutex<Entry>
        init(_ entry: consuming sending Entry) { self.entry = Mutex(entry) }
    }

    private struct Entry {
        let runtime: LuaRuntime
        let context: Context
    }

    private let members: [Member]

    /// The number of runtimes.
    public var count: Int { members.count }

    /// Creates `count` runtimes and runs `setUp` on each, in order.
    public init(
        count: Int, limits: LuaLimits = .default, argumentTables: LuaArgumentTables = .guarded,
        setUp: (LuaRuntime) throws -> sending Context
    ) throws {
        precondition(count > 0, "a pool needs at least one runtime")
        var members: [Member] = []
        for _ in 0..<count {
            let runtime = try LuaRuntime(limits: limits, argumentTables: argumentTables)
            let context = try setUp(runtime)
            members.append(Member(Entry(runtime: runtime, context: context)))
        }
        self.members = members
    }

    /// The runtime index that `key` maps to (``Partition/index(forKey:count:)``).
    public func index(forKey key: String) -> Int {
        Partition.index(forKey: key, count: members.count)
    }

    /// Runs `body` with exclusive use of the runtime for `key`.
    public func withRuntime<Result: Sendable>(
        forKey key: String, _ body: (LuaRuntime, Context) throws -> Result
    ) rethrows -> Result {
        try withRuntime(at: index(forKey: key), body)
    }

    /// Runs `body` with exclusive use of runtime `index`.
    public func withRuntime<Result: Sendable>(
        at index: Int, _ body: (LuaRuntime, Context) throws -> Result
    ) rethrows -> Result {
        try members[index].entry.withLock { entry in
            try body(entry.runtime, entry.context)
        }
    }
}
