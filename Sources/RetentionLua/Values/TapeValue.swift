import CLuaShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value on a tape that C wrote, read where it lies: no dictionary, array or string is made
/// until a reader asks for one. Hooks' results are checked this way, since a result table is
/// read once, field by field. Valid only as long as its tape: until the runtime's next call.
enum TapeValue {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(TapeString)
    case table(TapeTable)

    /// The value at `position` of `tape`. The tape comes from our own C code, so a malformed one
    /// is a bug.
    init(_ tape: rk_tape, at position: Int) {
        precondition(position < tape.count, "result tape ended early")
        let slot = tape.slots[position]
        switch rk_tag(UInt32(slot.tag)) {
        case RK_NIL: self = .nil
        case RK_FALSE: self = .boolean(false)
        case RK_TRUE: self = .boolean(true)
        case RK_INT: self = .integer(slot.bits)
        case RK_NUM: self = .number(Double(bitPattern: UInt64(bitPattern: slot.bits)))
        case RK_STR: self = .string(TapeString(tape, slot))
        case RK_TABLE: self = .table(TapeTable(tape: tape, header: position))
        default: preconditionFailure("unexpected tag \(slot.tag) in a result tape")
        }
    }

    /// The position after the value at `position`: the next slot for a scalar; for a table, at
    /// once when its header records its span, else past each entry.
    @inline(__always)
    static func end(of position: Int, in tape: rk_tape) -> Int {
        precondition(position < tape.count, "result tape ended early")
        let slot = tape.slots[position]
        guard slot.tag == UInt8(RK_TABLE.rawValue) else { return position + 1 }
        if slot.span != 0 { return position + Int(slot.span) }
        return walkedEnd(of: position, in: tape)
    }

    /// The position after the table at `position`, found by stepping over each entry.
    private static func walkedEnd(of position: Int, in tape: rk_tape) -> Int {
        let slot = tape.slots[position]
        var next = position + 1
        for _ in 0..<Int(slot.len) { next = end(of: next, in: tape) }
        for _ in 0..<Int(slot.bits) { next = end(of: next + 1, in: tape) }
        return next
    }
}

/// A string on a tape: its bytes in the tape's arena.
struct TapeString {
    let bytes: UnsafeRawBufferPointer

    init(_ tape: rk_tape, _ slot: rk_slot) {
        bytes = UnsafeRawBufferPointer(start: tape.arena.map { UnsafeRawPointer($0) + Int(slot.bits) }, count: Int(slot.len))
    }

    /// The text (invalid UTF-8 repaired, as every string from Lua is).
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the bytes are those of `name`.
    func isEqual(to name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return memcmp(base, name.utf8Start, bytes.count) == 0
    }
}

/// A table on a tape: its sequence 1...n, then its other entries, each a key slot and a value.
struct TapeTable {
    let tape: rk_tape
    /// The position of the table's header slot.
    let header: Int

    /// The length of the table's sequence 1...n.
    var arrayCount: Int { Int(tape.slots[header].len) }
    /// The entries outside the sequence (named, or integer keys outside it).
    var fieldCount: Int { Int(tape.slots[header].bits) }

    /// Calls `body` with each element of the sequence, from 1.
    func forEachElement<Failure: Error>(_ body: (_ index: Int, TapeValue) throws(Failure) -> Void) throws(Failure) {
        var position = header + 1
        for index in 0..<arrayCount {
            try body(index, TapeValue(tape, at: position))
            position = TapeValue.end(of: position, in: tape)
        }
    }

    /// The position of the key slot of the first entry outside the sequence.
    private var firstFieldPosition: Int {
        var position = header + 1
        for _ in 0..<arrayCount { position = TapeValue.end(of: position, in: tape) }
        return position
    }

    /// Calls `body` with each entry outside the sequence: its name, or nil for an integer key,
    /// and its value.
    func forEachField<Failure: Error>(_ body: (_ name: TapeString?, TapeValue) throws(Failure) -> Void) throws(Failure) {
        var position = firstFieldPosition
        for _ in 0..<fieldCount {
            precondition(position + 1 < tape.count, "result tape ended early")
            let key = tape.slots[position]
            let name: TapeString? = key.tag == UInt8(RK_KEY_STR.rawValue) ? TapeString(tape, key) : nil
            try body(name, TapeValue(tape, at: position + 1))
            position = TapeValue.end(of: position + 1, in: tape)
        }
    }

    /// The value of the field `name`, or nil when the table has none.
    func field(_ name: StaticString) -> TapeValue? {
        var position = firstFieldPosition
        for _ in 0..<fieldCount {
            precondition(position + 1 < tape.count, "result tape ended early")
            let key = tape.slots[position]
            if key.tag == UInt8(RK_KEY_STR.rawValue), key.len == name.utf8CodeUnitCount, TapeString(tape, key).isEqual(to: name) {
                return TapeValue(tape, at: position + 1)
            }
            position = TapeValue.end(of: position + 1, in: tape)
        }
        return nil
    }

    /// Whether every entry is named: no sequence and no integer keys.
    var hasOnlyNames: Bool {
        guard arrayCount == 0 else { return false }
        var named = true
        forEachField { key, _ in if key == nil { named = false } }
        return named
    }

    /// The names of the fields not in `known`, sorted.
    func names(notIn known: [StaticString]) -> [String] {
        var unknown: [String] = []
        forEachField { key, _ in
            if let key, !known.contains(where: { key.isEqual(to: $0) }) { unknown.append(key.string) }
        }
        return unknown.sorted()
    }
}
