import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The cores this process may run on.
let processorCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Runs `work` over `0..<count` in contiguous ranges, one batch per core and a few more, and
/// waits for all of them.
func inParallel(count: Int, _ work: @Sendable (Range<Int>) -> Void) {
    let chunks = count < 10_000 ? 1 : processorCount * 4
    guard chunks > 1 else { return work(0..<count) }
    let size = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let range = min(count, chunk * size)..<min(count, (chunk + 1) * size)
        if !range.isEmpty { work(range) }
    }
}

/// An array's storage shared by parallel work that writes disjoint elements (each index by
/// one task only), which is what makes sharing it safe.
struct DisjointWrites<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }

    subscript(index: Int) -> Element {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }

    /// Writes the first value of an element whose memory is not initialized yet.
    func initialize(_ index: Int, to value: Element) {
        (buffer.baseAddress! + index).initialize(to: value)
    }
}
