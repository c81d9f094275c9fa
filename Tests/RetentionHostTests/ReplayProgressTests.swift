import Foundation
import Testing

@Suite("retention-host replay: the progress bar")
struct ReplayProgressTests {
    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "On a terminal the replay shows done, events per second and time left; piped it shows none",
        .enabled(if: script != nil, "util-linux's script, which gives the replay a terminal, is not installed"))
    func progress() throws {
        let folder = try PluginFolder([:])
        let command = [Host.executable.path, "replay", ReportCommandTests.exampleStore, "--plugins", CrashTests.plugins,
                       "--store", folder.path("tty.sqlite"), "--batch", "100"].map { "'\($0)'" }.joined(separator: " ")
        let terminal = try Host.run(["-qc", command, "/dev/null"], executable: URL(fileURLWithPath: Self.script ?? "/usr/bin/script"))
        #expect(terminal.status == 0, "\(terminal.standardError)")
        #expect(terminal.standardOutput.contains("events/s"), "\(terminal.standardOutput)")
        #expect(terminal.standardOutput.contains("100%"))
        #expect(terminal.standardOutput.contains("s left"))
        let piped = try Host.run(["replay", ReportCommandTests.exampleStore, "--plugins", CrashTests.plugins, "--store", folder.path("pipe.sqlite")])
        #expect(piped.status == 0)
        #expect(!piped.standardError.contains("events/s") && !piped.standardOutput.contains("events/s"))
    }
}
