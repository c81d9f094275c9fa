/// Numbers customer ids in the order they are first seen: an open addressing table with a cheap
/// hash over the id's UTF-8 bytes (Dictionary's seeded SipHash costs several times more per short
/// id). ``numberAll(_:_:)`` numbers millions of ids at once without a cache miss per id.
struct CustomerInterner: Sendable {
    private(set) var ids: [String] = []
    /// A slot keeps the id itself (a short id lives inside the String value), so a lookup reads
    /// one slot and never the id list: one cache miss, not two, in a table larger than the cache.
    private struct Slot: Sendable {
        var id: String
        var tag: UInt32
        /// The id's number, or −1 when the slot is empty.
        var number: Int32
    }
    private var slots: [Slot]
    private var mask: Int

    init(capacity: Int = 1_024) {
        var size = 1_024
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(id: "", tag: 0, number: -1), count: size)
        mask = size - 1
    }

    /// The number of `id`, given a new one if it was not seen before.
    mutating func intern(_ id: String) -> Int32 { intern(id, hash: Self.hash(id)) }

    private mutating func intern(_ id: String, hash: UInt64) -> Int32 {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let number = slots[slot].number
            if number < 0 { break }
            if slots[slot].tag == tag && slots[slot].id == id { return number }
            slot = (slot + 1) & mask
        }
        let number = Int32(ids.count)
        ids.append(id)
        slots[slot] = Slot(id: id, tag: tag, number: number)
        if ids.count * 2 > slots.count { grow() }
        return number
    }

    private mutating func grow() {
        var bigger = CustomerInterner(capacity: slots.count)
        for (number, id) in ids.enumerated() {
            let hash = Self.hash(id)
            var slot = Int(truncatingIfNeeded: hash) & bigger.mask
            while bigger.slots[slot].number >= 0 { slot = (slot + 1) & bigger.mask }
            bigger.slots[slot] = Slot(id: id, tag: UInt32(truncatingIfNeeded: hash >> 32), number: Int32(number))
        }
        bigger.ids = ids
        self = bigger
    }

    /// Numbers the ids of `first` followed by `then` by first appearance, as interning them one
    /// by one would, and returns each one's number and the ids by number.
    ///
    /// With a million customers a table does not fit in the cache, and interning order by order
    /// costs a miss per order. Instead the ids are split by hash into partitions small enough
    /// for the cache, each numbered with its own table, and the numbers put back in order of
    /// first appearance.
    static func numberAll(_ first: [String], _ then: [String]) -> (numbers: [Int32], ids: [String]) {
        let count = first.count + then.count
        @inline(__always) func key(_ row: Int) -> String { row < first.count ? first[row] : then[row - first.count] }
        guard count > 200_000 else {
            var interner = CustomerInterner()
            let numbers = (0..<count).map { interner.intern(key($0)) }
            return (numbers, interner.ids)
        }
        var hashes = [UInt64](repeating: 0, count: count)
        for row in 0..<count { hashes[row] = hash(key(row)) }
        // Rows by partition (the hash's top byte), in row order within each.
        let partitions = 256
        var start = [Int](repeating: 0, count: partitions + 1)
        for hash in hashes { start[Int(hash >> 56) + 1] += 1 }
        for partition in 0..<partitions { start[partition + 1] += start[partition] }
        var next = start
        // The ids and hashes are copied into partition order too (read in order, written to 256
        // streams), so numbering a partition reads memory in order.
        var rows = [Int32](repeating: 0, count: count)
        var keys = [String](repeating: "", count: count)
        var keyHashes = [UInt64](repeating: 0, count: count)
        for row in 0..<count {
            let partition = Int(hashes[row] >> 56)
            let position = next[partition]
            rows[position] = Int32(row)
            keys[position] = key(row)
            keyHashes[position] = hashes[row]
            next[partition] = position + 1
        }
        hashes = []
        // Number each partition on its own; a customer's provisional number is its place in
        // `firstRow`, the row where it first appears.
        var provisional = [Int32](repeating: 0, count: count)
        var firstRow: [Int32] = []
        var ids: [String] = []
        for partition in 0..<partitions {
            let range = start[partition]..<start[partition + 1]
            guard !range.isEmpty else { continue }
            var table = CustomerInterner(capacity: range.count)
            for position in range {
                let before = table.ids.count
                let local = table.intern(keys[position], hash: keyHashes[position])
                if table.ids.count > before {
                    firstRow.append(rows[position])
                    ids.append(keys[position])
                }
                provisional[Int(rows[position])] = Int32(ids.count - table.ids.count) + local
            }
        }
        // Final numbers by first appearance.
        let order = firstRow.indices.sorted { firstRow[$0] < firstRow[$1] }
        var final = [Int32](repeating: 0, count: order.count)
        for (number, customer) in order.enumerated() { final[customer] = Int32(number) }
        return (provisional.map { final[Int($0)] }, order.map { ids[$0] })
    }

    /// Drawn once per process, so ids chosen to collide in one run do not collide in another.
    /// The numbering never depends on it: numbers go by first appearance.
    private static let seed = UInt64.random(in: .min ... .max)

    /// A seeded multiply-xorshift hash over the bytes, eight at a time.
    static func hash(_ id: String) -> UInt64 {
        var copy = id
        return copy.withUTF8 { bytes in
            var hash: UInt64 = seed ^ 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
            var index = 0
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 31
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
            hash ^= hash >> 29
            hash = hash &* 0xBF58_476D_1CE4_E5B9
            return hash ^ (hash >> 32)
        }
    }
}
