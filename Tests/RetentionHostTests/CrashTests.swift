import Foundation
import RetentionFixtures
import RetentionKit
import RetentionSQLite
import Testing

/// `retention-host replay` killed with SIGKILL at random points, alone and beside a second
/// writer, must end exactly where an uninterrupted replay does.
@Suite("retention-host replay survives SIGKILL", .serialized)
struct CrashTests {
    static let plugins = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Plugins").path

    /// A few thousand events of the synthetic store, as a JSON Lines file.
    static let eventFile: String = {
        let events = SyntheticStore(customers: 700, seed: 5).events()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crash-events-\(UUID().uuidString).jsonl").path
        let text = events.map { $0.json.text }.joined(separator: "\n") + "\n"
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static func arguments(store: String, batch: Int) -> [String] {
        ["replay", eventFile, "--plugins", plugins, "--store", store, "--batch", "\(batch)", "--points-expire-days", "365"]
    }

    static func start(store: String, batch: Int) throws -> Process {
        let process = Process()
        process.executableURL = Host.executable
        process.arguments = arguments(store: store, batch: batch)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// What must match: balances, tiers and segments; the outbox in order; the event log.
    struct Snapshot: Equatable {
        var balances: [CustomerBalance]
        var outbox: [CampaignAction]
        var events: Int
        var rejected: Int

        init(_ path: String) throws {
            let store = try SQLiteStore(path: path)
            balances = try store.balances(customerID: nil)
            outbox = try store.outbox(after: 0, limit: 1_000_000).map(\.action)
            (events, rejected) = try store.eventCounts()
        }
    }

    static let reference: Result<Snapshot, any Error> = Result {
        let path = StoreKindPath.make("reference.sqlite")
        let output = try Host.run(arguments(store: path, batch: 100))
        guard output.status == 0 else { throw HostFailure(output: output) }
        return try Snapshot(path)
    }

    @Test("Killed four times at random points, then run to the end: the same balances, tiers, segments and outbox")
    func killedAndResumed() throws {
        let reference = try Self.reference.get()
        #expect(reference.events > 3_000)
        let path = StoreKindPath.make("crashed.sqlite")
        var delays: [Int] = []
        for _ in 0..<4 {
            let process = try Self.start(store: path, batch: 100)
            let delay = Int.random(in: 300...2_500)
            delays.append(delay)
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let last = try Host.run(Self.arguments(store: path, batch: 100))
        #expect(last.status == 0, "\(last.standardError)")
        let resumed = try Snapshot(path)
        #expect(resumed == reference, "killed after \(delays) ms")
        #expect(last.standardOutput.contains("duplicates"))
    }

    @Test("Two writers at once, one killed at random: the same end state as one uninterrupted replay")
    func twoWriters() throws {
        let reference = try Self.reference.get()
        let path = StoreKindPath.make("shared.sqlite")
        // Different batch sizes, so one writer's batches straddle the other's.
        let steady = try Self.start(store: path, batch: 70)
        let victim = try Self.start(store: path, batch: 100)
        let delay = Int.random(in: 300...2_500)
        Thread.sleep(forTimeInterval: Double(delay) / 1000)
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        steady.waitUntilExit()
        #expect(steady.terminationStatus == 0)
        let last = try Host.run(Self.arguments(store: path, batch: 100))
        #expect(last.status == 0, "\(last.standardError)")
        let shared = try Snapshot(path)
        #expect(shared.events == reference.events && shared.rejected == reference.rejected, "victim killed after \(delay) ms")
        #expect(shared.balances == reference.balances, "\(zip(shared.balances, reference.balances).filter { $0 != $1 }.prefix(3))")
        #expect(shared.outbox == reference.outbox, "outbox: \(shared.outbox.count) actions, \(reference.outbox.count) expected")
    }
}

struct HostFailure: Error, CustomStringConvertible {
    var output: Host.Output
    var description: String { "retention-host exited with \(output.status): \(output.standardError)" }
}

enum StoreKindPath {
    static func make(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retention-crash-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}
