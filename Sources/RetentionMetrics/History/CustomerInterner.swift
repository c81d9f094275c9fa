import Dispatch

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
    /// first appearance. Hashing, splitting, numbering and putting back run on every core.
    static func numberAll(_ first: [String], _ then: [String]) -> (numbers: [Int32], ids: [String]) {
        let count = first.count + then.count
        @Sendable @inline(__always) func key(_ row: Int) -> String {
            row < first.count ? first[row] : then[row - first.count]
        }
        guard count > 200_000 else {
            var interner = CustomerInterner()
            let numbers = (0..<count).map { interner.intern(key($0)) }
            return (numbers, interner.ids)
        }
        // The large arrays are written once each, in parallel, without filling them first.
        let rowHashes = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = DisjointWrites(buffer)
            inParallel(count: count) { range in
                for row in range { out[row] = hash(key(row)) }
            }
            initialized = count
        }
        // Rows by partition (the hash's top byte), in row order within each.
        let partitions = 256
        var bounds = [Int](repeating: 0, count: partitions + 1)
        for hash in rowHashes { bounds[Int(hash >> 56) + 1] += 1 }
        for partition in 0..<partitions { bounds[partition + 1] += bounds[partition] }
        let start = bounds
        // Partitions go to tasks in contiguous runs; a task's partitions are one range of
        // positions, so what one task writes no other touches.
        let tasks = min(partitions, processorCount * 2)
        @Sendable func partitionsOf(_ task: Int) -> Range<Int> { (task * partitions / tasks)..<((task + 1) * partitions / tasks) }

        // The ids and hashes are copied into partition order too, so numbering a partition
        // reads memory in order. Each task reads every row and copies those of its partitions.
        // One copier per core: more would only read the rows more often.
        let copiers = min(tasks, processorCount)
        var keys: [String] = []
        var keyHashes: [UInt64] = []
        let rows = [Int32](unsafeUninitializedCapacity: count) { rowsBuffer, rowsInitialized in
            keys = [String](unsafeUninitializedCapacity: count) { keysBuffer, keysInitialized in
                keyHashes = [UInt64](unsafeUninitializedCapacity: count) { hashesBuffer, hashesInitialized in
                    let rowsOut = DisjointWrites(rowsBuffer), keysOut = DisjointWrites(keysBuffer)
                    let hashesOut = DisjointWrites(hashesBuffer)
                    DispatchQueue.concurrentPerform(iterations: copiers) { copier in
                        let mine = (copier * partitions / copiers)..<((copier + 1) * partitions / copiers)
                        var next = start
                        for row in 0..<count {
                            let partition = Int(rowHashes[row] >> 56)
                            guard mine.contains(partition) else { continue }
                            let position = next[partition]
                            rowsOut[position] = Int32(row)
                            keysOut.initialize(position, to: key(row))
                            hashesOut[position] = rowHashes[row]
                            next[partition] = position + 1
                        }
                    }
                    // Every position is one row's: the partitions' ranges cover them all.
                    hashesInitialized = count
                }
                keysInitialized = count
            }
            rowsInitialized = count
        }

        // Number each partition on its own. A customer's number within its task's run of
        // partitions is its place in that task's `firstRows`, the rows where each first appears.
        var found = [(firstRows: [Int32], ids: [String])](repeating: ([], []), count: tasks)
        let rowOf = rows, keyOf = keys, hashOf = keyHashes
        let local = [Int32](unsafeUninitializedCapacity: count) { localBuffer, localInitialized in
            defer { localInitialized = count }
            found.withUnsafeMutableBufferPointer { foundBuffer in
                let localOut = DisjointWrites(localBuffer), foundOut = DisjointWrites(foundBuffer)
                DispatchQueue.concurrentPerform(iterations: tasks) { task in
                    var firstRows: [Int32] = []
                    var ids: [String] = []
                    // Partitions hold about the same number of customers (the hash spreads
                    // them), so the table is sized by the largest so far and reused: sized by
                    // rows it would not fit in the cache, and a new one costs page faults.
                    var table = CustomerInterner()
                    var expected = 1_024
                    for partition in partitionsOf(task) {
                        let range = start[partition]..<start[partition + 1]
                        guard !range.isEmpty else { continue }
                        table.removeAll(expecting: expected)
                        for position in range {
                            let before = table.ids.count
                            let number = table.intern(keyOf[position], hash: hashOf[position])
                            if table.ids.count > before {
                                firstRows.append(rowOf[position])
                                ids.append(keyOf[position])
                            }
                            localOut[position] = Int32(ids.count - table.ids.count) + number
                        }
                        expected = max(expected, table.ids.count + table.ids.count / 4)
                    }
                    foundOut[task] = (firstRows, ids)
                }
            }
        }

        // Final numbers by first appearance: (first row, number) pairs sorted as integers.
        var base: [Int32] = []
        var ids: [String] = []
        var order: [UInt64] = []
        for (firstRows, taskIDs) in found {
            base.append(Int32(ids.count))
            for row in firstRows { order.append(UInt64(UInt32(row)) << 32 | UInt64(order.count)) }
            ids += taskIDs
        }
        found = []
        order.sort()
        var final = [Int32](repeating: 0, count: order.count)
        for (number, item) in order.enumerated() { final[Int(item & 0xFFFF_FFFF)] = Int32(number) }
        let finalNumber = final, localNumber = local, taskBase = base
        let numbers = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            defer { initialized = count }
            let out = DisjointWrites(buffer)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let partitions = partitionsOf(task)
                let base = taskBase[task]
                for position in start[partitions.lowerBound]..<start[partitions.upperBound] {
                    out[Int(rowOf[position])] = finalNumber[Int(base + localNumber[position])]
                }
            }
        }
        return (numbers, order.map { ids[Int($0 & 0xFFFF_FFFF)] })
    }

    /// Empties the table for reuse with room for `expected` ids, keeping its memory when that
    /// is enough.
    mutating func removeAll(expecting expected: Int) {
        ids.removeAll(keepingCapacity: true)
        var size = 1_024
        while size < expected * 2 { size <<= 1 }
        if size <= slots.count {
            for slot in slots.indices { slots[slot].number = -1 }
        } else {
            self = CustomerInterner(capacity: expected)
        }
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
