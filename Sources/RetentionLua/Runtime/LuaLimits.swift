/// The limits every script call runs under.
///
/// The instruction budget is the real limit: it is deterministic, so a rule that is stopped is
/// stopped in every run, on every machine. The wall-clock deadline is only a backstop. The
/// defaults suit point rules, which finish in microseconds.
///
/// ```swift
/// var limits = LuaLimits.default
/// limits.instructionsPerCall = 5_000_000   // a heavier segment script
/// let runtime = try LuaRuntime(limits: limits)
/// ```
public struct LuaLimits: Sendable, Hashable {
    /// VM instructions one call may execute. Work done in C on a script's behalf (pattern
    /// matching, sorting, `string.rep`, deterministic `pairs`) is charged too.
    public var instructionsPerCall: Int64
    /// Bytes one runtime (its Lua state, with every plugin loaded in it) may hold.
    public var memoryBytes: Int
    /// Wall-clock time one call may take, or `nil` for none. It is counted from the call's
    /// first budget check (after ``checkInterval`` instructions), so calls that end sooner never
    /// read the clock.
    public var deadline: Duration?
    /// Instructions between two budget checks; the deadline is checked at the same points.
    public var checkInterval: Int32

    public init(
        instructionsPerCall: Int64 = 1_000_000,
        memoryBytes: Int = 64 << 20,
        deadline: Duration? = .milliseconds(250),
        checkInterval: Int32 = 1_000
    ) {
        self.instructionsPerCall = instructionsPerCall
        self.memoryBytes = memoryBytes
        self.deadline = deadline
        self.checkInterval = checkInterval
    }

    /// One million instructions, 64 MiB, 250 ms per call.
    public static let `default` = LuaLimits()
}
