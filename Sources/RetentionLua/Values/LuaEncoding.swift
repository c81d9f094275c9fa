import CLuaShim
import RetentionKit

/// A Swift value a script can receive.
///
/// Conform your own types to pass them to scripts without building a ``LuaValue`` first; this is
/// the fast path the engine uses. Field names given as string literals are passed to Lua by
/// address, so Lua finds them in its string cache without hashing.
///
/// ```swift
/// struct OrderLine: LuaEncodable {
///     var sku: String, quantity: Int64, unitPrice: Int64
///     func encode(to encoder: LuaValueEncoder) {
///         encoder.encodeTable { table in
///             table.set("sku", sku)
///             table.set("quantity", quantity)
///             table.set("unit_price", unitPrice)
///         }
///     }
/// }
/// ```
public protocol LuaEncodable {
    /// Writes exactly one value.
    func encode(to encoder: LuaValueEncoder)
}

/// Writes one value onto a call's argument tape.
public struct LuaValueEncoder {
    @usableFromInline let tape: LuaTapeWriter

    @usableFromInline
    init(tape: LuaTapeWriter) { self.tape = tape }

    @inlinable public func encodeNil() { _ = tape.append(tag: RK_NIL) }
    @inlinable public func encode(_ value: Bool) { _ = tape.append(tag: value ? RK_TRUE : RK_FALSE) }
    @inlinable public func encode(_ value: Int64) { _ = tape.append(tag: RK_INT, bits: value) }
    @inlinable public func encode(_ value: Int) { _ = tape.append(tag: RK_INT, bits: Int64(value)) }
    @inlinable public func encode(_ value: Double) {
        _ = tape.append(tag: RK_NUM, bits: Int64(bitPattern: value.bitPattern))
    }
    @inlinable @inline(__always) public func encode(_ value: String) { tape.appendString(value, tag: RK_STR) }
    /// A string literal, passed by address.
    @inlinable public func encode(_ value: StaticString) { tape.appendStatic(value, tag: RK_STATIC_STR) }
    /// A date as its ISO 8601 text (``Day/iso``), put into text only when the script receives
    /// it: a field of an on-demand table that is never read costs no formatting.
    @inlinable public func encode(_ value: Day) {
        if (Int32(RK_DAY_FIRST)...Int32(RK_DAY_LAST)).contains(value.number) {
            _ = tape.append(tag: RK_DAY, bits: Int64(value.number))
        } else {
            encode(value.iso)
        }
    }

    /// Writes a table whose entries `body` sets. Unless `readOnly` is false, the script's writes
    /// are refused as the runtime's ``LuaArgumentTables`` says; either way it is a fresh table
    /// that no other call sees.
    ///
    /// With `fieldsOnDemand`, a wide table of which scripts read a few fields costs only the
    /// fields read: each field is made in Lua when a script first reads it (found by a scan of
    /// the table's fields that steps over nested tables at once, so put the fields hooks read
    /// most near the front). This applies to a read-only table of fields (named, or integer keys
    /// set with `set(_:_:)`; no array elements), passed as a call's argument (not nested in
    /// another table), under ``LuaArgumentTables/guarded``; elsewhere the table is built at once.
    /// Scripts see no difference (`pairs`, `next` and `rawget` see every field), except that a
    /// field set to nil reads its original value again, and that such a table kept past its call
    /// raises an error when read.
    @inlinable @inline(__always)
    public func encodeTable(readOnly: Bool = true, fieldsOnDemand: Bool = false, _ body: (inout LuaTableEncoder) -> Void) {
        var flags: UInt8 = readOnly ? UInt8(RK_FLAG_READONLY) : 0
        if readOnly && fieldsOnDemand { flags |= UInt8(RK_FLAG_ON_DEMAND) }
        let header = tape.append(tag: RK_TABLE, flags: flags)
        var table = LuaTableEncoder(tape: tape)
        body(&table)
        tape.finishTable(at: header, arrayCount: table.arrayCount, fieldCount: table.fieldCount)
    }
}

/// Sets the entries of a table being encoded: array elements in order, and fields by name.
public struct LuaTableEncoder {
    @usableFromInline let tape: LuaTapeWriter
    @usableFromInline var arrayCount: UInt32 = 0
    @usableFromInline var fieldCount: Int64 = 0

    @usableFromInline
    init(tape: LuaTapeWriter) { self.tape = tape }

    /// Appends the next array element (Lua index 1, 2, 3, …).
    @inlinable
    public mutating func append(_ value: some LuaEncodable) {
        value.encode(to: LuaValueEncoder(tape: tape))
        arrayCount += 1
    }

    /// Appends a table as the next array element.
    @inlinable @inline(__always)
    public mutating func appendTable(readOnly: Bool = true, _ body: (inout LuaTableEncoder) -> Void) {
        LuaValueEncoder(tape: tape).encodeTable(readOnly: readOnly, body)
        arrayCount += 1
    }

    /// Sets a field named by a string literal (passed by address; it must not contain a NUL).
    /// Always inlined: a table's fields are then written by straight-line code, with the
    /// literal's checks done by the compiler.
    @inlinable @inline(__always)
    public mutating func set(_ key: StaticString, _ value: some LuaEncodable) {
        tape.appendStatic(key, tag: RK_KEY_STATIC_STR)
        value.encode(to: LuaValueEncoder(tape: tape))
        fieldCount += 1
    }

    /// Sets a field named by a string literal to a table.
    @inlinable @inline(__always)
    public mutating func setTable(_ key: StaticString, readOnly: Bool = true, _ body: (inout LuaTableEncoder) -> Void) {
        tape.appendStatic(key, tag: RK_KEY_STATIC_STR)
        LuaValueEncoder(tape: tape).encodeTable(readOnly: readOnly, body)
        fieldCount += 1
    }

    /// Sets a field whose name is only known at run time (Lua hashes it on every call; prefer a
    /// literal name where you can).
    @inlinable
    public mutating func set(key: String, _ value: some LuaEncodable) {
        tape.appendString(key, tag: RK_KEY_STR)
        value.encode(to: LuaValueEncoder(tape: tape))
        fieldCount += 1
    }

    /// Sets an integer key outside the array part (for example 0, or after a gap).
    @inlinable
    public mutating func set(_ key: Int64, _ value: some LuaEncodable) {
        _ = tape.append(tag: RK_KEY_INT, bits: key)
        value.encode(to: LuaValueEncoder(tape: tape))
        fieldCount += 1
    }
}

/// The arguments of one call, in order.
public struct LuaArguments {
    @usableFromInline let tape: LuaTapeWriter
    @usableFromInline var count: UInt32 = 0

    @usableFromInline
    init(tape: LuaTapeWriter) { self.tape = tape }

    /// Appends the next argument.
    @inlinable
    public mutating func append(_ value: some LuaEncodable) {
        value.encode(to: LuaValueEncoder(tape: tape))
        count += 1
    }

    /// Appends a table as the next argument (read-only to the script unless `readOnly` is false).
    @inlinable @inline(__always)
    public mutating func appendTable(readOnly: Bool = true, _ body: (inout LuaTableEncoder) -> Void) {
        LuaValueEncoder(tape: tape).encodeTable(readOnly: readOnly, body)
        count += 1
    }
}

extension Bool: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension Int64: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension Int: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension Double: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension Day: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension String: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension StaticString: LuaEncodable {
    @inlinable @inline(__always) public func encode(to encoder: LuaValueEncoder) { encoder.encode(self) }
}

extension Optional: LuaEncodable where Wrapped: LuaEncodable {
    /// `nil` becomes Lua's nil (a field set to nil is simply absent).
    @inlinable public func encode(to encoder: LuaValueEncoder) {
        if let value = self { value.encode(to: encoder) } else { encoder.encodeNil() }
    }
}

extension Array: LuaEncodable where Element: LuaEncodable {
    /// An array becomes a read-only Lua sequence.
    @inlinable public func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable { table in
            for element in self { table.append(element) }
        }
    }
}

extension LuaValue: LuaEncodable {
    /// Tables are passed read-only, like every argument table.
    public func encode(to encoder: LuaValueEncoder) {
        switch self {
        case .nil: encoder.encodeNil()
        case .boolean(let value): encoder.encode(value)
        case .integer(let value): encoder.encode(value)
        case .number(let value): encoder.encode(value)
        case .string(let value): encoder.encode(value)
        case .table(let table):
            encoder.encodeTable { encoder in
                for element in table.array { encoder.append(element) }
                for (key, value) in table.integerKeys { encoder.set(key, value) }
                for (key, value) in table.fields { encoder.set(key: key, value) }
            }
        }
    }
}
