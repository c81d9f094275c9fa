// The batches an engine commits for the synthetic store, decided once outside any timing, so a
// store and its reference write exactly the same rows.
import Foundation
import RetentionKit
import SyntheticStore

/// What `StoredEngine` hands a store for a synthetic store applied in batches.
public struct DecidedBatches: Sendable {
    public let events: [Event]
    public let batches: [CommitBatch]
    public let batchSize: Int
    public let customers: Int
    public let decidingSeconds: Double

    /// Applies the synthetic store of `customers` customers in batches of `batchSize` through
    /// the built-in reference program, keeping each commit.
    public init(customers: Int, batchSize: Int) throws {
        let clock = ContinuousClock()
        let start = clock.now
        events = SyntheticStore(customers: customers).events()
        let capture = CapturingStore()
        let engine = try StoredEngine(store: capture, program: ReferenceProgram.program, rules: try ReferenceProgram.builtInRules())
        for first in stride(from: 0, to: events.count, by: batchSize) {
            _ = try engine.apply(Array(events[first..<min(first + batchSize, events.count)]))
        }
        batches = capture.batches
        self.batchSize = batchSize
        self.customers = customers
        decidingSeconds = Self.seconds(clock.now - start)
    }

    /// What was decided, in rows, for the benchmark's header.
    public var summary: String {
        var entries = 0, records = 0, other = 0, stateBytes = 0
        for batch in batches {
            records += batch.customers.count
            stateBytes += batch.customers.reduce(0) { $0 + $1.state.count }
            for logged in batch.events {
                entries += logged.decisions.entries.count
                other += logged.decisions.tierChanges.count + logged.decisions.segmentChanges.count + logged.decisions.campaignActions.count
            }
        }
        return """
            synthetic store: \(customers) customers, \(events.count) events in \(batches.count) batches of \(batchSize), \
            decided in \(String(format: "%.1f", decidingSeconds)) s (encoding included)
            rows: \(events.count) events, \(entries) ledger entries, \(other) tier/segment changes and outbox messages, \
            \(records) customer records (\(stateBytes / max(records, 1)) bytes of state each)
            """
    }

    public static func seconds(_ duration: Duration) -> Double {
        let (s, a) = duration.components
        return Double(s) + Double(a) / 1e18
    }
}

/// A store that keeps the batches it is given, so they can be written again elsewhere.
final class CapturingStore: RetentionStore, @unchecked Sendable {
    var batches: [CommitBatch] = []
    var version: Int64 = 0

    func load() throws(StoreError) -> StoredState { StoredState(customers: [], shared: nil, clock: nil, version: 0) }
    func changes(since version: Int64) throws(StoreError) -> StoredState {
        StoredState(customers: [], shared: nil, clock: nil, version: self.version)
    }
    func customers(_ ids: [String]) throws(StoreError) -> [CustomerRecord] { [] }
    func storedEventIDs(among ids: [String]) throws(StoreError) -> Set<String> { [] }
    func commit(_ batch: CommitBatch) throws(StoreError) -> Int64 {
        batches.append(batch)
        version += 1
        return version
    }
    func balances(customerID: String?) throws(StoreError) -> [CustomerBalance] { [] }
    func outbox(after: Int64, limit: Int) throws(StoreError) -> [OutboxMessage] { [] }
    func markDelivered(_ ids: [Int64]) throws(StoreError) {}
    func eventCounts() throws(StoreError) -> (stored: Int, rejected: Int) { (0, 0) }
}

/// The store benchmarks' command line: `[CUSTOMERS] [--batch N] [--name VALUE]…`.
public struct StoreBenchmarkArguments {
    private let arguments = CommandLine.arguments.dropFirst()

    public init() {}

    /// The value after `--name`, if given.
    public func option(_ name: String) -> String? {
        guard let index = arguments.firstIndex(of: name), arguments.index(after: index) < arguments.endIndex else { return nil }
        return arguments[arguments.index(after: index)]
    }

    /// The synthetic store's size: the first bare number (143,000 customers, about a million events, by default).
    public var customers: Int { Int(arguments.first { $0.first != "-" && Int($0) != nil } ?? "") ?? 143_000 }
    /// Events per committed batch (`--batch`, 1,000 by default, as an import would use).
    public var batchSize: Int { option("--batch").flatMap(Int.init) ?? 1_000 }
}
