import CLuaShim

/// A reusable buffer of tape slots and the bytes their strings point into.
///
/// The storage is allocated by hand so its addresses stay put while C reads it, and is reused
/// from call to call, so encoding arguments allocates nothing once it has grown.
@usableFromInline
final class LuaTape {
    @usableFromInline var slots: UnsafeMutablePointer<rk_slot>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    @usableFromInline var arena: UnsafeMutablePointer<UInt8>
    @usableFromInline var arenaCount = 0
    @usableFromInline var arenaCapacity: Int

    @usableFromInline
    init(capacity: Int = 64, arenaCapacity: Int = 1024) {
        self.capacity = capacity
        self.arenaCapacity = arenaCapacity
        slots = .allocate(capacity: capacity)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    @usableFromInline
    func reset() {
        count = 0
        arenaCount = 0
    }

    @inlinable @inline(__always)
    func append(tag: rk_tag, flags: UInt8 = 0, length: UInt32 = 0, bits: Int64 = 0) -> Int {
        if count == capacity { grow() }
        slots[count] = rk_slot(tag: UInt8(tag.rawValue), flags: flags, reserved: 0, len: length, bits: bits)
        count += 1
        return count - 1
    }

    @inlinable @inline(__always)
    func appendString(_ string: String, tag: rk_tag) {
        var string = string
        string.withUTF8 { bytes in
            if arenaCount + bytes.count > arenaCapacity { growArena(to: arenaCount + bytes.count) }
            if let base = bytes.baseAddress {
                (arena + arenaCount).update(from: base, count: bytes.count)
            }
            _ = append(tag: tag, length: UInt32(bytes.count), bits: Int64(arenaCount))
            arenaCount += bytes.count
        }
    }

    @inlinable @inline(__always)
    func appendStatic(_ string: StaticString, tag: rk_tag) {
        precondition(string.hasPointerRepresentation, "static Lua strings must be literals")
        _ = append(tag: tag, length: UInt32(string.utf8CodeUnitCount), bits: Int64(Int(bitPattern: string.utf8Start)))
    }

    @usableFromInline
    func grow() {
        let newCapacity = capacity * 2
        let newSlots = UnsafeMutablePointer<rk_slot>.allocate(capacity: newCapacity)
        newSlots.moveInitialize(from: slots, count: count)
        slots.deallocate()
        slots = newSlots
        capacity = newCapacity
    }

    @usableFromInline
    func growArena(to needed: Int) {
        var newCapacity = arenaCapacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newArena.update(from: arena, count: arenaCount)
        arena.deallocate()
        arena = newArena
        arenaCapacity = newCapacity
    }

    /// The tape as C reads it; valid until the next change.
    var view: rk_tape {
        rk_tape(slots: slots, count: count, arena: UnsafeRawPointer(arena).assumingMemoryBound(to: CChar.self), arena_length: arenaCount)
    }
}
