/// How a runtime protects the tables it passes to scripts.
///
/// Either way every call gets fresh tables that no other call sees, and nothing a script
/// writes into them ever reaches the engine, so results are the same in both modes. The modes
/// differ only in which mistakes raise an error:
///
/// ```swift
/// // While writing and testing plugins: every write raises, so mistakes show at once.
/// let checker = try LuaRuntime(argumentTables: .readOnly)
/// // In production: the fast default.
/// let runtime = try LuaRuntime()
/// ```
public enum LuaArgumentTables: Sendable, Hashable {
    /// Adding a field raises an error; overwriting an existing field changes only this call's
    /// private copy. Costs almost nothing: the default. Tables encoded with `fieldsOnDemand`
    /// (see ``LuaValueEncoder/encodeTable(readOnly:fieldsOnDemand:_:)``) make each field when a
    /// script first reads it.
    case guarded
    /// Every write raises an error (each table is an empty read-only view of its data). About
    /// twice the cost per call; what `retention-host check` and plugin tests use. Tables are
    /// always built whole in this mode.
    case readOnly
}
