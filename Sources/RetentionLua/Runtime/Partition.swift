/// A stable split of keys (customer ids) over a number of workers: the same key goes to the same
/// worker in every process, on every machine.
///
/// ```swift
/// let worker = Partition.index(forKey: event.customerID ?? "", count: 2)   // 0 or 1
/// ```
///
/// ``LuaRuntimePool`` uses it to pick a runtime; a host that runs an engine per core sends each
/// customer's events to one engine (and `clock` events to all) with ``PartitionRouter``, which
/// uses it and keeps customers a referral links together.
public enum Partition {
    /// FNV-1a of the key's UTF-8 bytes, modulo `count`.
    public static func index(forKey key: String, count: Int) -> Int {
        precondition(count > 0, "a partition needs at least one worker")
        return Int(fnv1a(key) % UInt64(count))
    }

    /// FNV-1a, 64 bits: a hash that is the same in every process (Swift's `Hasher` is seeded
    /// per process). Also seeds `math.random` from event ids and names plugin sources.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
