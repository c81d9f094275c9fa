import Foundation
import Synchronization
import RetentionFixtures
import RetentionKit
import RetentionSQLite
import Testing
#if Postgres
import RetentionPostgres
#endif

/// `retention-host replay` killed with SIGKILL at random points, alone and beside a second
/// writer, into SQLite and PostgreSQL, must end exactly where an uninterrupted replay into
/// SQLite does.
@Suite("retention-host replay survives SIGKILL and server restarts", .serialized)
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

    /// Starts a replay; its standard error goes to `errors` (a file) when given, to say why it failed.
    static func start(store: String, batch: Int, errors: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = Host.executable
        process.arguments = arguments(store: store, batch: batch)
        process.standardOutput = FileHandle.nullDevice
        if let errors, FileManager.default.createFile(atPath: errors, contents: nil), let handle = FileHandle(forWritingAtPath: errors) {
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// What must match: balances, tiers and segments; the outbox in order; the event log.
    struct Snapshot: Equatable {
        var balances: [CustomerBalance]
        var outbox: [CampaignAction]
        var events: Int
        var rejected: Int

        init(_ location: String) throws {
            let store = try CrashStore.open(location)
            balances = try store.balances(customerID: nil)
            outbox = try store.outbox(after: 0, limit: 1_000_000).map(\.action)
            (events, rejected) = try store.eventCounts()
        }
    }

    static let referencePath = StoreKindPath.make("reference.sqlite")
    static let reference: Result<Snapshot, any Error> = Result {
        let path = referencePath
        let output = try Host.run(arguments(store: path, batch: 100))
        guard output.status == 0 else { throw HostFailure(output: output) }
        return try Snapshot(path)
    }

    @Test("Killed four times at random points, then run to the end: the same balances, tiers, segments and outbox", arguments: CrashStore.all)
    func killedAndResumed(kind: CrashStore) throws {
        let reference = try Self.reference.get()
        #expect(reference.events > 3_000)
        let path = kind.make("crashed")
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

    @Test("Two writers at once, one killed at random: the same end state as one uninterrupted replay", arguments: CrashStore.all)
    func twoWriters(kind: CrashStore) throws {
        let reference = try Self.reference.get()
        let path = kind.make("shared")
        // Different batch sizes, so one writer's batches straddle the other's.
        let steadyErrors = path + ".steady-errors.txt"
        let steady = try Self.start(store: path, batch: 70, errors: steadyErrors)
        let victim = try Self.start(store: path, batch: 100)
        let delay = Int.random(in: 300...2_500)
        Thread.sleep(forTimeInterval: Double(delay) / 1000)
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        steady.waitUntilExit()
        #expect(steady.terminationStatus == 0, "\((try? String(contentsOfFile: steadyErrors, encoding: .utf8)) ?? "")")
        let last = try Host.run(Self.arguments(store: path, batch: 100))
        #expect(last.status == 0, "\(last.standardError)")
        let shared = try Snapshot(path)
        #expect(shared.events == reference.events && shared.rejected == reference.rejected, "victim killed after \(delay) ms")
        #expect(shared.balances == reference.balances, "\(zip(shared.balances, reference.balances).filter { $0 != $1 }.prefix(3))")
        #expect(shared.outbox == reference.outbox, "outbox: \(shared.outbox.count) actions, \(reference.outbox.count) expected")
    }

    @Test("A disk that refuses writes mid-replay: a clear error, nothing half-stored, and a rerun ends where an uninterrupted replay does")
    func diskRefusesWrites() throws {
        let reference = try Self.reference.get()
        let path = StoreKindPath.make("full.sqlite")
        let referenceSize = try #require(try FileManager.default.attributesOfItem(atPath: Self.referencePath)[.size] as? Int)
        // The shell lowers the file size limit (and ignores SIGXFSZ, so a write past it fails with
        // EFBIG instead of killing the process) to a third of what the whole replay writes.
        let limit = max(256, referenceSize / 3 / 1024)
        let full = try Host.run(["-c", #"trap "" XFSZ; ulimit -f "$0"; exec "$@""#, "\(limit)", Host.executable.path]
                                + Self.arguments(store: path, batch: 100), executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(full.status == 1, "\(full.standardOutput)\(full.standardError)")
        #expect(full.standardError.contains("\(path): committing 100 events"), "\(full.standardError)")
        #expect(full.standardError.contains("check free disk space"), "\(full.standardError)")
        #expect(full.standardError.contains("Run the same command again to resume"), "\(full.standardError)")
        let stopped = try Snapshot(path)
        #expect(stopped.events > 0 && stopped.events < reference.events && stopped.events % 100 == 0,
                "\(stopped.events) events stored when the disk refused: whole batches only")
        let last = try Host.run(Self.arguments(store: path, batch: 100))
        #expect(last.status == 0, "\(last.standardError)")
        #expect(try Snapshot(path) == reference)
    }

    /// Starts a replay in batches of 10 that tries a failed batch again up to 8 times; its
    /// standard error comes through the pipe.
    static func startRetrying(store location: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = Host.executable
        process.arguments = arguments(store: location, batch: 10) + ["--retries", "8"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        return (process, errors)
    }

    /// The shell command that restarts the test server (`scripts/test` sets it when it runs
    /// this test on its own, after the rest: a restart would break other tests' sessions).
    static let restartCommand = ProcessInfo.processInfo.environment["RETENTION_POSTGRES_RESTART_COMMAND"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(
        "PostgreSQL restarted during a replay: the host waits, tries the batch again and ends where an uninterrupted replay does",
        .enabled(
            if: restartCommand != nil && CrashStore.all.count > 1,
            "needs RETENTION_POSTGRES_URL, a build with --traits Postgres, and RETENTION_POSTGRES_RESTART_COMMAND (scripts/test runs it last, on its own)"))
    func serverRestart() throws {
        let reference = try Self.reference.get()
        let kind = try #require(CrashStore.all.last)
        let location = kind.make("restart")
        let (process, errors) = try Self.startRetrying(store: location)
        let stderr = StandardErrorCollector(errors)
        // A restart that falls wholly between two commits is not noticed (the next commit
        // opens a new session on the restarted server), so the server is restarted again, at
        // most three times, until the host has had to wait for it.
        var restarts: [String] = []
        while process.isRunning && stderr.retries == 0 && restarts.count < 3 {
            let delay = Int.random(in: 300...1_200)
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
            guard process.isRunning else { break }
            let began = ContinuousClock.now
            #expect(try Self.shell(try #require(Self.restartCommand)) == 0, "the restart command failed")
            restarts.append("after \(delay) ms, taking \(ContinuousClock.now - began)")
        }
        process.waitUntilExit()
        let output = stderr.finish()
        #expect(!restarts.isEmpty, "the replay ended before the server could be restarted")
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("trying again"), "the host noticed a restart (restarted \(restarts)): \(output)")
        #expect(try Snapshot(location) == reference, "restarted \(restarts)")
    }

    @Test(
        "PostgreSQL drops the host's connections during a replay: it reconnects, tries the batch again and ends where an uninterrupted replay does",
        .enabled(if: CrashStore.all.count > 1, "needs RETENTION_POSTGRES_URL and a build with --traits Postgres"))
    func connectionDropped() throws {
        let reference = try Self.reference.get()
        let kind = try #require(CrashStore.all.last)
        let location = kind.make("dropped")
        // The host's sessions name their schema (application_name "RetentionKit/<schema>"), so
        // only they are terminated, not other tests'.
        let components = try #require(URLComponents(string: location))
        let schema = try #require(components.queryItems?.first { $0.name == "schema" }?.value)
        var server = components
        server.queryItems = components.queryItems?.filter { $0.name != "schema" }
        if server.queryItems?.isEmpty == true { server.queryItems = nil }
        let counted = StoreKindPath.make("terminated.txt")
        let terminate = "psql '\(try #require(server.string))' -qAt -c \"select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'RetentionKit/\(schema)'\" > '\(counted)'"
        func dropConnections() throws -> Int {
            #expect(try Self.shell(terminate) == 0, "psql could not reach the server")
            return Int((try String(contentsOfFile: counted, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        let (process, errors) = try Self.startRetrying(store: location)
        let stderr = StandardErrorCollector(errors)
        // A session dropped while idle in the pool is replaced without a word; one dropped while
        // a batch is in flight fails the batch, which the host tries again. So: drop the host's
        // sessions at random short intervals until it has had to try a batch again twice.
        var delays: [Int] = []
        var dropped = 0
        while process.isRunning && stderr.retries < 2 && delays.count < 400 {
            let delay = Int.random(in: 10...120)
            delays.append(delay)
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
            dropped += try dropConnections()
        }
        process.waitUntilExit()
        let output = stderr.finish()
        #expect(dropped >= 1)
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("trying again"), "the host noticed a dropped connection (\(dropped) sessions dropped): \(output)")
        #expect(try Snapshot(location) == reference, "\(dropped) sessions dropped at intervals of \(delays) ms")
    }

    /// Runs a shell command and returns its exit status. Not through Foundation's `Process`,
    /// and with every descriptor above standard error closed in the child: a command that
    /// leaves a daemon behind (as `pg_ctlcluster restart` does) would otherwise hand it the
    /// descriptors Foundation watches to see processes exit, and `waitUntilExit` would hang.
    static func shell(_ command: String) throws -> Int32 {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff
    }
}

/// A store the crash tests replay into: SQLite always, PostgreSQL when the build has it and
/// `RETENTION_POSTGRES_URL` names a server.
struct CrashStore: CustomTestStringConvertible, Sendable {
    let name: String
    /// A new, empty store's location (a file path or a URL), named after `label`.
    let make: @Sendable (String) -> String
    var testDescription: String { name }

    static var all: [CrashStore] {
        var kinds = [CrashStore(name: "SQLite") { StoreKindPath.make("\($0).sqlite") }]
        #if Postgres
        if let url = postgresURL {
            kinds.append(CrashStore(name: "PostgreSQL") { label in
                let schema = "crash_\(label)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
                return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
            })
        }
        #endif
        return kinds
    }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["RETENTION_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func open(_ location: String) throws -> any RetentionStore {
        #if Postgres
        if location.hasPrefix("postgres://") { return try PostgresStore(url: location) }
        #endif
        return try SQLiteStore(path: location)
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

/// Gathers a child process's standard error as it comes, so a test can watch it while the
/// process runs.
final class StandardErrorCollector: Sendable {
    private let text = Mutex("")
    private let pipe: Pipe

    init(_ pipe: Pipe) {
        self.pipe = pipe
        // The handler holds the collector until `finish()` clears it.
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            self.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
    }

    /// How many times the host has said it is trying a batch again.
    var retries: Int { text.withLock { $0.components(separatedBy: "trying again").count - 1 } }

    /// Everything the process wrote, once it has exited.
    func finish() -> String {
        pipe.fileHandleForReading.readabilityHandler = nil
        let rest = pipe.fileHandleForReading.readDataToEndOfFile()
        return text.withLock { $0 += String(decoding: rest, as: UTF8.self); return $0 }
    }
}
