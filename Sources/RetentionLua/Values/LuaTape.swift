import CLuaShim

/// A reusable buffer of tape slots and the bytes their strings point into.
///
/// The storage is allocated by hand so its addresses stay put while C reads it, and is reused
/// from call to call, so encoding arguments allocates nothing once it has grown. The mutable
/// state sits behind a pointer rather than in stored properties: class properties would pay
/// Swift's dynamic exclusivity checks on every slot appended.
@usableFromInline
final class LuaTape {
    @usableFromInline
    struct State {
        @usableFromInline var slots: UnsafeMutablePointer<rk_slot>
        @usableFromInline var count: Int
        @usableFromInline var capacity: Int
        @usableFromInline var arena: UnsafeMutablePointer<UInt8>
        @usableFromInline var arenaCount: Int
        @usableFromInline var arenaCapacity: Int
    }

    @usableFromInline let state: UnsafeMutablePointer<State>

    @usableFromInline
    init(capacity: Int = 64, arenaCapacity: Int = 1024) {
        state = .allocate(capacity: 1)
        state.initialize(
            to: State(
                slots: .allocate(capacity: capacity), count: 0, capacity: capacity,
                arena: .allocate(capacity: arenaCapacity), arenaCount: 0, arenaCapacity: arenaCapacity))
    }

    deinit {
        state.pointee.slots.deallocate()
        state.pointee.arena.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    @usableFromInline
    func reset() {
        state.pointee.count = 0
        state.pointee.arenaCount = 0
    }

    /// A writer for this tape. It holds the state pointer, not the tape, so writing does no
    /// reference counting; the tape must outlive it.
    @usableFromInline
    var writer: LuaTapeWriter { LuaTapeWriter(state: state) }

    /// The tape as C reads it; valid until the next change.
    var view: rk_tape { writer.view }
}

/// Appends to a ``LuaTape`` through its state pointer.
///
/// The functions it calls out of line (`grow`, `growArena`, `appendString`) are marked
/// `@_effects(releasenone)`, as they release no object (they only move raw memory); knowing it
/// lets the compiler encode a value's strings where they lie instead of retaining each one
/// around the call.
@usableFromInline
struct LuaTapeWriter {
    @usableFromInline let state: UnsafeMutablePointer<LuaTape.State>

    @usableFromInline
    init(state: UnsafeMutablePointer<LuaTape.State>) { self.state = state }

    /// Appends a slot; returns its index.
    @inlinable @inline(__always)
    func append(tag: rk_tag, flags: UInt8 = 0, length: UInt32 = 0, bits: Int64 = 0) -> Int {
        let count = state.pointee.count
        if count == state.pointee.capacity { grow() }
        state.pointee.slots[count] = rk_slot(tag: UInt8(tag.rawValue), flags: flags, span: 0, len: length, bits: bits)
        state.pointee.count = count + 1
        return count
    }

    /// Sets the counts of the table whose header slot is at `index`, and its span (the slots
    /// after the header are its entries), which lets C step over the table at once.
    @inlinable @inline(__always)
    func finishTable(at index: Int, arrayCount: UInt32, fieldCount: Int64) {
        let span = state.pointee.count - index
        state.pointee.slots[index].len = arrayCount
        state.pointee.slots[index].bits = fieldCount
        state.pointee.slots[index].span = span <= Int(UInt16.max) ? UInt16(truncatingIfNeeded: span) : 0
    }

    @usableFromInline @_effects(releasenone)
    func appendString(_ string: String, tag: rk_tag) {
        // Through `withCString`, which reads the string where it is (or copies a small one onto
        // the stack) without taking a reference to it; the count excludes the terminating NUL,
        // so strings holding NULs pass whole.
        let count = string.utf8.count
        string.withCString { appendBytes(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: count), tag: tag) }
    }

    @inlinable @inline(__always)
    func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>, tag: rk_tag) {
        let offset = state.pointee.arenaCount
        if offset + bytes.count > state.pointee.arenaCapacity { growArena(to: offset + bytes.count) }
        if let base = bytes.baseAddress {
            Self.copy(UnsafeRawPointer(base), to: UnsafeMutableRawPointer(state.pointee.arena + offset), count: bytes.count)
        }
        state.pointee.arenaCount = offset + bytes.count
        _ = append(tag: tag, length: UInt32(bytes.count), bits: Int64(offset))
    }

    /// Copies `count` bytes between buffers that do not overlap. Strings up to 16 bytes (most
    /// that rules get: ids, SKUs, categories, currencies) move as two overlapping words, or
    /// bytes, in place of a call of memmove.
    @inlinable @inline(__always)
    static func copy(_ source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int) {
        switch count {
        case 8...16:
            destination.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            destination.storeBytes(
                of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            destination.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            destination.storeBytes(
                of: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            destination.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
            destination.storeBytes(of: source.load(fromByteOffset: count / 2, as: UInt8.self), toByteOffset: count / 2, as: UInt8.self)
            destination.storeBytes(of: source.load(fromByteOffset: count - 1, as: UInt8.self), toByteOffset: count - 1, as: UInt8.self)
        default:
            destination.copyMemory(from: source, byteCount: count)
        }
    }

    @inlinable @inline(__always)
    func appendStatic(_ string: StaticString, tag: rk_tag) {
        precondition(string.hasPointerRepresentation, "static Lua strings must be literals")
        _ = append(tag: tag, length: UInt32(string.utf8CodeUnitCount), bits: Int64(Int(bitPattern: string.utf8Start)))
    }

    @usableFromInline @_effects(releasenone)
    func grow() {
        let newCapacity = state.pointee.capacity * 2
        let newSlots = UnsafeMutablePointer<rk_slot>.allocate(capacity: newCapacity)
        newSlots.moveInitialize(from: state.pointee.slots, count: state.pointee.count)
        state.pointee.slots.deallocate()
        state.pointee.slots = newSlots
        state.pointee.capacity = newCapacity
    }

    @usableFromInline @_effects(releasenone)
    func growArena(to needed: Int) {
        var newCapacity = state.pointee.arenaCapacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newArena.update(from: state.pointee.arena, count: state.pointee.arenaCount)
        state.pointee.arena.deallocate()
        state.pointee.arena = newArena
        state.pointee.arenaCapacity = newCapacity
    }

    /// The tape as C reads it; valid until the next change.
    var view: rk_tape {
        rk_tape(
            slots: state.pointee.slots, count: state.pointee.count,
            arena: UnsafeRawPointer(state.pointee.arena).assumingMemoryBound(to: CChar.self),
            arena_length: state.pointee.arenaCount)
    }
}
