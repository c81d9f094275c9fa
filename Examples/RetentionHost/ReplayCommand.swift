import ArgumentParser
import Foundation
import RetentionKit
import RetentionLua
import RetentionSQLite

/// `retention-host replay EVENTS... --plugins PATH...`: applies event files through the
/// plugins into a store (SQLite, or PostgreSQL), batch by batch, resuming where an earlier run
/// stopped.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Apply JSON Lines event files through Lua plugins into a store.",
        discussion: """
            Reads each file's events in order and applies them in batches of --batch events; each \
            batch is committed to the store (events, ledger entries, tier and segment changes, \
            outbox, customer state) in one transaction before the next is read. Running it again \
            skips what the store has: a replay that was stopped or killed resumes where its last \
            commit left off. Several replays may write to one store at once. A line that does not \
            parse is reported with its file and line number and skipped; an event the engine \
            refuses is stored as rejected, with the reason. When the store cannot be reached (a \
            dropped connection, a restarting server), opening it or the batch is tried again \
            --retries times; then the replay stops, and running it again resumes. On a terminal a progress bar \
            (events done, events per second, time left) runs on standard error; piped, there is none.

            --holdout, --campaign-cap and --quiet-days set the campaign guardrails and control \
            groups (Documentation/Campaigns.md).

            --store takes a SQLite file or, when the host is built with PostgreSQL support \
            (swift build --traits Postgres), a postgres:// URL.

            Examples:
              retention-host replay Examples/Store/events.jsonl --plugins Plugins
              retention-host replay day1.jsonl day2.jsonl --plugins Plugins --store shop.sqlite --json
              retention-host replay events.jsonl --plugins Plugins --store postgres://retention:secret@127.0.0.1/shop
            """
    )

    @Argument(help: "JSON Lines event files, applied in the order given.")
    var events: [String]

    @Option(parsing: .upToNextOption, help: "Plugin files (.lua) or folders of them.")
    var plugins: [String]

    @Option(help: "The store: a SQLite file (created if missing) or a postgres://USER:PASSWORD@HOST/DATABASE URL.")
    var store = StoreLocation("retention.sqlite")

    @Option(help: "Events per committed batch.")
    var batch = 500

    @Option(help: "How many times a batch is tried again when the store cannot be reached (waiting 1, 2, 4… s, at most 30 s).")
    var retries = 5

    @OptionGroup var program: ProgramOptions

    @Option(help: "A JSON file of configuration the plugins read with retention.config.")
    var config: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        guard !plugins.isEmpty else { throw ValidationError("give the plugins to apply with --plugins PATH...") }
    }

    func run() throws {
        let files = try PluginFiles.expand(plugins)
        let configuration = try config.map(ConfigurationFile.read) ?? .nil
        let program = try program.program()
        let luaPlugins = try LuaPlugins(files: files, program: program, configuration: configuration)
        let rules = try luaPlugins.ruleSet().rules
        // Opening migrates the schema and loads the state: a server restarting meanwhile is
        // waited for like one restarting mid-batch.
        let engine = try retryingWhileUnavailable { try StoredEngine(store: try store.open(), program: program, rules: rules) }
        var summary = ReplaySummary()
        var pending: [Event] = []
        // Every file is read first, so the progress bar knows how many lines there are.
        var inputs: [(path: String, bytes: [UInt8])] = []
        var lines = 0
        for path in events {
            do {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                for byte in bytes where byte == 0x0A { lines += 1 }
                inputs.append((path, bytes))
            } catch {
                throw ValidationError("cannot read \(path): \(error.localizedDescription)")
            }
        }
        var progress = ProgressBar(total: lines, enabled: !json)
        func flush() throws {
            guard !pending.isEmpty else { return }
            summary.add(try applyRetrying(pending, to: engine, stored: summary))
            pending.removeAll(keepingCapacity: true)
            progress.update(done: summary.events + summary.unreadable.count)
        }
        for (path, bytes) in inputs {
            for line in EventLines(bytes) {
                switch line.result {
                case .success(let event):
                    pending.append(event)
                    if pending.count >= batch { try flush() }
                case .failure(let error):
                    summary.unreadable.append("\(path):\(line.number): \(error)")
                }
            }
        }
        try flush()
        progress.finish()
        summary.print(json: json, store: store.description)
    }

    /// Applies a batch, waiting and trying again while the store is unreachable (a dropped
    /// connection, a restarting server). A batch that fails is not stored, so trying it again
    /// is safe; after `retries` the replay stops, and running it again resumes.
    private func applyRetrying(_ batch: [Event], to engine: StoredEngine, stored summary: ReplaySummary) throws -> [EventOutcome] {
        do {
            return try retryingWhileUnavailable { try engine.apply(batch) }
        } catch let error as StoreError {
            throw StoppedReplay(error: error, stored: summary.events, store: store.description)
        }
    }

    /// Runs `body`, waiting 1, 2, 4… s (at most 30) and running it again while it fails with
    /// an unavailable store, at most `retries` times; any other error, or the last one, is
    /// thrown.
    private func retryingWhileUnavailable<Value>(_ body: () throws -> Value) throws -> Value {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as StoreError where error.code == .unavailable && attempt < retries {
                attempt += 1
                let wait = min(30, 1 << (attempt - 1))
                FileHandle.standardError.write(Data("retention-host: \(error); trying again in \(wait) s (\(attempt) of \(retries))\n".utf8))
                Thread.sleep(forTimeInterval: Double(wait))
            }
        }
    }
}

/// A replay that stopped on a store error: what was stored stays stored, and the same command
/// resumes.
struct StoppedReplay: Error, CustomStringConvertible {
    var error: StoreError
    var stored: Int
    var store: String

    var description: String {
        "\(error)\nThe replay stopped; the \(stored) events before the failed batch are stored in \(store). Run the same command again to resume."
    }
}

/// What a replay did, for the terminal or as JSON.
struct ReplaySummary {
    var events = 0
    var applied = 0
    var duplicates = 0
    var rejected: [EngineError] = []
    var unreadable: [String] = []

    mutating func add(_ outcomes: [EventOutcome]) {
        self.events += outcomes.count
        for outcome in outcomes {
            switch outcome {
            case .applied: applied += 1
            case .duplicate: duplicates += 1
            case .rejected(let error): rejected.append(error)
            }
        }
    }

    func print(json: Bool, store: String) {
        if json {
            let object: [String: Any] = [
                "events": events, "applied": applied, "duplicates": duplicates,
                "rejected": rejected.map { ["event_id": $0.eventID, "plugin": $0.rule ?? NSNull(), "error": $0.message] as [String: Any] },
                "unreadable": unreadable,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        Swift.print("\(events) events: \(applied) applied, \(duplicates) duplicates, \(rejected.count) rejected; stored in \(store)")
        for error in rejected.prefix(20) { Swift.print("  rejected \(error)") }
        if rejected.count > 20 { Swift.print("  … and \(rejected.count - 20) more rejected") }
        for line in unreadable.prefix(20) { Swift.print("  unreadable \(line)") }
    }
}

/// The loyalty program's settings a host passes on the command line.
struct ProgramOptions: ParsableArguments {
    @Option(name: .customLong("currency"), help: "A currency orders may be in (repeat for more).")
    var currencies: [String] = ["USD"]

    @Option(help: "Days after an order during which a return or refund reverses its points.")
    var returnWindowDays = 30

    @Option(help: "Days after which earned points expire (none when not given).")
    var pointsExpireDays: Int?

    @Option(help: "CAMPAIGN=PERCENT: hold this share of customers out of the campaign, to measure its lift (repeat for more).")
    var holdout: [String] = []

    @Option(help: "Campaign actions a customer may get in 30 days (0 for no cap).")
    var campaignCap = 3

    @Option(help: "Days after an order in which no campaign starts.")
    var quietDays = 0

    func program() throws -> Program {
        let accepted = try Set(currencies.map { code in
            do { return try Currency(code: code) } catch { throw ValidationError("--currency \(code): \(error)") }
        })
        let ledger = LedgerPolicy(lotExpiry: pointsExpireDays.map { LotExpiry(days: $0) })
        var holdouts: [String: Int] = [:]
        for text in holdout {
            let parts = text.split(separator: "=")
            guard parts.count == 2, let percent = Int(parts[1]), (0...100).contains(percent) else {
                throw ValidationError("--holdout \(text): write CAMPAIGN=PERCENT, for example win_back=10")
            }
            holdouts[String(parts[0])] = percent
        }
        guard campaignCap >= 0, quietDays >= 0 else {
            throw ValidationError("--campaign-cap and --quiet-days cannot be negative")
        }
        let campaigns = CampaignPolicy(
            maxActionsPerWindow: campaignCap == 0 ? nil : campaignCap, windowDays: 30, quietDaysAfterPurchase: quietDays,
            holdoutPercent: holdouts)
        return Program(currencies: accepted, returnWindowDays: returnWindowDays, ledger: ledger, campaigns: campaigns)
    }
}
