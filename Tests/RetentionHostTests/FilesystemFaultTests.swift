import Foundation
import Testing

/// A small filesystem of its own (tmpfs), which a test can fill up or remount read-only: the
/// real faults, not a store made to fail.
final class SmallFilesystem {
    let path: String

    /// Whether this machine lets the tests mount one (root, and a kernel that allows tmpfs mounts
    /// in this container); probed once with a tiny mount.
    static let available: Bool = {
        guard geteuid() == 0 else { return false }
        guard let probe = try? SmallFilesystem(kilobytes: 64) else { return false }
        _ = probe
        return true
    }()

    init(kilobytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("retention-fs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard try CrashTests.shell("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(path)' 2>/dev/null") == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw POSIXError(.EPERM)
        }
    }

    /// Remounts it with another size, or read-only, keeping what it holds.
    func remount(kilobytes: Int? = nil, readOnly: Bool = false) throws {
        let options = (kilobytes.map { ["size=\($0)k"] } ?? []) + [readOnly ? "ro" : "rw"]
        #expect(try CrashTests.shell("mount -o remount,\(options.joined(separator: ",")) '\(path)'") == 0, "remount \(options)")
    }

    deinit {
        _ = try? CrashTests.shell("umount '\(path)'")
        try? FileManager.default.removeItem(atPath: path)
    }
}

@Suite("retention-host replay on a real full or read-only filesystem", .serialized)
struct FilesystemFaultTests {
    static let enabled = SmallFilesystem.available

    @Test(
        "The filesystem fills up mid-replay: a clear error, whole batches only, and once there is room a rerun ends where an uninterrupted replay does",
        .enabled(if: enabled, "needs root and tmpfs mounts (CI and the development machine have both)"))
    func filesystemFull() throws {
        let reference = try CrashTests.reference.get()
        let referenceSize = try #require(try FileManager.default.attributesOfItem(atPath: CrashTests.referencePath)[.size] as? Int)
        // A third of what the whole replay writes (the write-ahead log needs room too).
        let filesystem = try SmallFilesystem(kilobytes: max(512, referenceSize / 3 / 1024))
        let path = filesystem.path + "/full.sqlite"
        let full = try Host.run(CrashTests.arguments(store: path, batch: 100))
        #expect(full.status == 1, "\(full.standardOutput)\(full.standardError)")
        #expect(full.standardError.contains("\(path): committing 100 events"), "\(full.standardError)")
        #expect(full.standardError.contains("free disk space"), "\(full.standardError)")
        #expect(full.standardError.contains("Run the same command again to resume"), "\(full.standardError)")
        try filesystem.remount(kilobytes: referenceSize * 4 / 1024 + 4_096)
        let stopped = try CrashTests.Snapshot(path)
        #expect(stopped.events > 0 && stopped.events < reference.events && stopped.events % 100 == 0,
                "\(stopped.events) events stored when the filesystem was full: whole batches only")
        let last = try Host.run(CrashTests.arguments(store: path, batch: 100))
        #expect(last.status == 0, "\(last.standardError)")
        #expect(try CrashTests.Snapshot(path) == reference)
    }

    @Test(
        "The filesystem is remounted read-only between runs: replay fails clearly naming the store, balances and report still read it, nothing changed, and once writable a rerun ends where an uninterrupted replay does",
        .enabled(if: enabled, "needs root and tmpfs mounts (CI and the development machine have both)"))
    func filesystemReadOnly() throws {
        let reference = try CrashTests.reference.get()
        let filesystem = try SmallFilesystem(kilobytes: 256 * 1024)
        let path = filesystem.path + "/shop.sqlite"
        // The first half of the events, then the filesystem goes read-only.
        let lines = try String(contentsOfFile: CrashTests.eventFile, encoding: .utf8).split(separator: "\n")
        let half = filesystem.path + "/first-half.jsonl"
        try (lines.prefix(lines.count / 2).joined(separator: "\n") + "\n").write(toFile: half, atomically: true, encoding: .utf8)
        var arguments = CrashTests.arguments(store: path, batch: 100)
        arguments[1] = half
        let first = try Host.run(arguments)
        #expect(first.status == 0, "\(first.standardError)")
        let before = try CrashTests.Snapshot(path)
        try filesystem.remount(readOnly: true)
        let refused = try Host.run(CrashTests.arguments(store: path, batch: 100))
        #expect(refused.status == 1, "\(refused.standardOutput)\(refused.standardError)")
        #expect(refused.standardError.contains(path), "\(refused.standardError)")
        #expect(refused.standardError.contains("read-only") || refused.standardError.contains("writable"), "\(refused.standardError)")
        // The commands that only read still work on the read-only mount.
        let balances = try Host.run(["balances", "--store", path, "--json"])
        #expect(balances.status == 0, "\(balances.standardError)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(balances.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.count == before.balances.count)
        let report = try Host.run(["report", "--store", path])
        #expect(report.status == 0 && report.standardOutput.contains("Purchase behaviour"), "\(report.standardError)")
        try filesystem.remount(readOnly: false)
        #expect(try CrashTests.Snapshot(path) == before, "the refused run changed the store")
        let last = try Host.run(CrashTests.arguments(store: path, batch: 100))
        #expect(last.status == 0, "\(last.standardError)")
        #expect(try CrashTests.Snapshot(path) == reference)
    }
}
