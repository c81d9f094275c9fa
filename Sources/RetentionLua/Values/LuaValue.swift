/// A value that crosses between Swift and a Lua script.
///
/// Lua 5.4 keeps integers and floats apart, and so does `LuaValue`: an ``integer(_:)`` sent to a
/// script comes back as an integer, never as a float, so money in minor units and points stay
/// exact.
///
/// ```swift
/// let order: LuaValue = ["id": "1001", "total": 2_500, "lines": [["sku": "MUG", "quantity": 2]]]
/// let points = try runtime.call(earn, order)   // .integer(25)
/// ```
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case boolean(Bool)
    /// A Lua integer (64 bits).
    case integer(Int64)
    /// A Lua float.
    case number(Double)
    case string(String)
    case table(LuaTable)

    /// The Lua type name of this value, as scripts see it in `type(x)`.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        }
    }

    /// The integer, if this is an integer or a float with an integral value.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The table, if this is a table.
    public var tableValue: LuaTable? {
        if case .table(let value) = self { value } else { nil }
    }

    /// Lua's truthiness: everything but `nil` and `false` is true.
    public var isTruthy: Bool {
        switch self {
        case .nil, .boolean(false): false
        default: true
        }
    }

    /// A field of a table (`nil` for anything else).
    public subscript(field: String) -> LuaValue {
        tableValue?.fields[field] ?? .nil
    }
}

/// A Lua table as it crosses the boundary: its sequence `1...n`, its string keys, and any other
/// integer keys.
///
/// A table returned by a script is split this way: the values at keys 1, 2, 3, … up to the
/// first `nil` form ``array``; string keys form ``fields``; remaining integer keys (0, negative,
/// or after a gap) form ``integerKeys``. Lua cannot hold `nil` in a table, so an array with a
/// `.nil` element ends at that element.
public struct LuaTable: Sendable, Hashable {
    /// The sequence: Lua keys 1 through `array.count`.
    public var array: [LuaValue]
    /// The string keys.
    public var fields: [String: LuaValue]
    /// Integer keys outside the sequence.
    public var integerKeys: [Int64: LuaValue]

    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:], integerKeys: [Int64: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
        self.integerKeys = integerKeys
    }

    /// Whether the table has no entries at all.
    public var isEmpty: Bool { array.isEmpty && fields.isEmpty && integerKeys.isEmpty }
}

extension LuaValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .nil }
}

extension LuaValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension LuaValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension LuaValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension LuaValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension LuaValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
}

extension LuaValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .table(LuaTable(fields: Dictionary(elements, uniquingKeysWith: { _, last in last })))
    }
}

extension LuaValue: CustomStringConvertible {
    /// A Lua-like rendering, with fields sorted so it reads the same every time.
    public var description: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .table(let table):
            var parts = table.array.map(\.description)
            parts += table.integerKeys.keys.sorted().map { "[\($0)] = \(table.integerKeys[$0]!)" }
            parts += table.fields.keys.sorted().map { "\($0) = \(table.fields[$0]!)" }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }
}
