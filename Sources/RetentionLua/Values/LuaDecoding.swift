import CLuaShim

/// Reads values off a tape that C wrote (results, or a host function's arguments).
struct LuaTapeReader {
    let tape: rk_tape
    var cursor = 0

    init(_ tape: rk_tape) { self.tape = tape }

    /// The next value. The tape comes from our own C code, so a malformed one is a bug.
    mutating func next() -> LuaValue {
        precondition(cursor < tape.count, "result tape ended early")
        let slot = tape.slots[cursor]
        cursor += 1
        switch rk_tag(UInt32(slot.tag)) {
        case RK_NIL: return .nil
        case RK_FALSE: return .boolean(false)
        case RK_TRUE: return .boolean(true)
        case RK_INT: return .integer(slot.bits)
        case RK_NUM: return .number(Double(bitPattern: UInt64(bitPattern: slot.bits)))
        case RK_STR: return .string(string(slot))
        case RK_TABLE: return .table(table(arrayCount: Int(slot.len), fieldCount: Int(slot.bits)))
        default: preconditionFailure("unexpected tag \(slot.tag) in a result tape")
        }
    }

    private func string(_ slot: rk_slot) -> String {
        let bytes = UnsafeRawBufferPointer(start: tape.arena.map { UnsafeRawPointer($0) + Int(slot.bits) }, count: Int(slot.len))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func table(arrayCount: Int, fieldCount: Int) -> LuaTable {
        var table = LuaTable()
        table.array.reserveCapacity(arrayCount)
        for _ in 0..<arrayCount { table.array.append(next()) }
        // Results' keys are nearly always names: room for all of them, so the dictionary is
        // allocated once instead of growing.
        if fieldCount > 0 { table.fields.reserveCapacity(fieldCount) }
        for _ in 0..<fieldCount {
            let key = tape.slots[cursor]
            cursor += 1
            switch rk_tag(UInt32(key.tag)) {
            case RK_KEY_STR: table.fields[string(key)] = next()
            case RK_KEY_INT: table.integerKeys[key.bits] = next()
            default: preconditionFailure("unexpected key tag \(key.tag) in a result tape")
            }
        }
        return table
    }
}
