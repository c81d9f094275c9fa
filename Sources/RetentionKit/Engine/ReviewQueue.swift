/// A min-heap of (day, customer position): when each customer next has time-driven work due.
/// Entries are checked against the customer's ``CustomerState/scheduledReview`` when popped, so
/// a rescheduled customer's old entry is skipped rather than searched for and removed.
struct ReviewQueue: Sendable {
    private var heap: [(day: Day, position: Int)] = []

    var first: (day: Day, position: Int)? { heap.first }

    mutating func push(_ day: Day, _ position: Int) {
        heap.append((day, position))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> (day: Day, position: Int)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, Self.before(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, Self.before(heap[right], heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    private static func before(_ a: (day: Day, position: Int), _ b: (day: Day, position: Int)) -> Bool {
        a.day != b.day ? a.day < b.day : a.position < b.position
    }
}
