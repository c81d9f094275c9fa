/// Decodes what a script returned into Swift types, checking every field.
///
/// Integers must be Lua integers: a float where an integer is expected (`10 / 2` is `5.0` in
/// Lua) is an error, so points and money never pass through floating point. Swift's camelCase
/// names match the snake_case fields scripts write (`pendingDays` reads `pending_days`). An
/// error names the field by its Lua path.
///
/// ```swift
/// struct Award: Decodable { var points: Int64; var reason: String; var pendingDays: Int64? }
/// let awards = try LuaValueDecoder().decode([Award].self, from: result)
/// // a script returning { { points = 2.5, reason = "x" } } fails with
/// // "[1].points: expected an integer, got the float 2.5 (use // for integer division, or math.floor)"
/// ```
public struct LuaValueDecoder: Sendable {
    /// Whether Swift's camelCase keys are looked up as snake_case fields. On by default.
    public var convertsCamelCaseToSnakeCase: Bool

    public init(convertsCamelCaseToSnakeCase: Bool = true) {
        self.convertsCamelCaseToSnakeCase = convertsCamelCaseToSnakeCase
    }

    /// Decodes `value` as `type`.
    public func decode<T: Decodable>(_ type: T.Type, from value: LuaValue) throws(LuaDecodingError) -> T {
        do {
            return try T(from: ValueDecoder(value: value, codingPath: [], options: self))
        } catch let error as LuaDecodingError {
            throw error
        } catch {
            throw LuaDecodingError(path: "", message: "\(error)")
        }
    }

    func luaName(_ key: any CodingKey) -> String {
        convertsCamelCaseToSnakeCase ? Self.snakeCase(key.stringValue) : key.stringValue
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A returned value that does not have the expected shape.
public struct LuaDecodingError: Error, Sendable, CustomStringConvertible {
    /// Where in the value, in Lua terms: `[2].points`, `reason`, or "" for the value itself.
    public var path: String
    /// What was expected and what was found.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

// MARK: - The Decoder

private struct ValueDecoder: Decoder {
    let value: LuaValue
    let codingPath: [any CodingKey]
    let options: LuaValueDecoder
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .table(let table) = value else {
            throw mismatch(codingPath, "a table", value, options)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(table: table, codingPath: codingPath, options: options))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .table(let table) = value else {
            throw mismatch(codingPath, "a list (a table with entries 1, 2, 3, …)", value, options)
        }
        guard table.fields.isEmpty, table.integerKeys.isEmpty else {
            let extra = table.fields.keys.sorted().first.map { "the field '\($0)'" } ?? "entries outside 1, 2, 3, …"
            throw LuaDecodingError(path: render(codingPath, options), message: "expected a list, got a table with \(extra)")
        }
        return UnkeyedContainer(elements: table.array, codingPath: codingPath, options: options)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(value: value, codingPath: codingPath, options: options)
    }
}

/// An index in a list, shown 1-based as Lua counts.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\((intValue ?? 0) + 1)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private func render(_ path: [any CodingKey], _ options: LuaValueDecoder) -> String {
    var text = ""
    for key in path {
        if key is IndexKey {
            text += "[\(key.stringValue)]"
        } else {
            text += (text.isEmpty ? "" : ".") + options.luaName(key)
        }
    }
    return text
}

private func describe(_ value: LuaValue) -> String {
    switch value {
    case .nil: "nil"
    case .boolean(let b): "the boolean \(b)"
    case .integer(let i): "the integer \(i)"
    case .number(let n): "the float \(n)"
    case .string(let s): "the string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
    case .table: "a table"
    }
}

private func mismatch(_ path: [any CodingKey], _ expected: String, _ value: LuaValue, _ options: LuaValueDecoder)
    -> LuaDecodingError
{
    var message = "expected \(expected), got \(describe(value))"
    if case .number = value, expected.hasPrefix("an integer") {
        message += " (use // for integer division, or math.floor)"
    }
    if case .nil = value { message = "expected \(expected), but it is missing (nil)" }
    return LuaDecodingError(path: render(path, options), message: message)
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let table: LuaTable
    let codingPath: [any CodingKey]
    let options: LuaValueDecoder

    var allKeys: [Key] { table.fields.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { table.fields[options.luaName(key)] != nil }

    private func value(_ key: Key) -> LuaValue { table.fields[options.luaName(key)] ?? .nil }

    private func decoder(_ key: Key) -> ValueDecoder {
        ValueDecoder(value: value(key), codingPath: codingPath + [key], options: options)
    }

    func decodeNil(forKey key: Key) throws -> Bool { value(key) == .nil }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try SingleValue(value: value(key), codingPath: codingPath + [key], options: options).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: .table(table), codingPath: codingPath, options: options) }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder(key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [LuaValue]
    let codingPath: [any CodingKey]
    let options: LuaValueDecoder
    var currentIndex = 0

    init(elements: [LuaValue], codingPath: [any CodingKey], options: LuaValueDecoder) {
        self.elements = elements
        self.codingPath = codingPath
        self.options = options
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else {
            throw LuaDecodingError(path: render(codingPath, options), message: "the list has only \(elements.count) entries")
        }
        defer { currentIndex += 1 }
        return ValueDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], options: options)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .nil else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try next()
        return try SingleValue(value: decoder.value, codingPath: decoder.codingPath, options: options).decode(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValue: SingleValueDecodingContainer {
    let value: LuaValue
    let codingPath: [any CodingKey]
    let options: LuaValueDecoder

    func decodeNil() -> Bool { value == .nil }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .boolean(let b) = value else { throw mismatch(codingPath, "a boolean", value, options) }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = value else { throw mismatch(codingPath, "a string", value, options) }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .number(let n): return n
        case .integer(let i): return Double(i)
        default: throw mismatch(codingPath, "a number", value, options)
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .integer(let i) = value else { throw mismatch(codingPath, "an integer", value, options) }
        guard let converted = I(exactly: i) else {
            throw LuaDecodingError(
                path: render(codingPath, options), message: "the integer \(i) is out of range (\(I.min)...\(I.max))")
        }
        return converted
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // The common leaves directly; everything else through its own init(from:).
        if type == Int64.self, let result = try decode(Int64.self) as? T { return result }
        if type == String.self, let result = try decode(String.self) as? T { return result }
        if type == Bool.self, let result = try decode(Bool.self) as? T { return result }
        if type == Int.self, let result = try decode(Int.self) as? T { return result }
        if type == Double.self, let result = try decode(Double.self) as? T { return result }
        if type == LuaValue.self, let result = value as? T { return result }
        return try T(from: ValueDecoder(value: value, codingPath: codingPath, options: options))
    }
}
