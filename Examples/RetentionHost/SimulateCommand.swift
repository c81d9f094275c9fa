import ArgumentParser
import Foundation
import RetentionKit
import RetentionLua

/// `retention-host simulate`: the same history under the current and a candidate rule set.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay the same events under the current plugins and a candidate set, in memory, and compare.",
        discussion: """
            Nothing is stored. Prints, for each rule set, the points earned, redeemed, expired and \
            taken back, the points held at the end and their worth (with --point-value), the \
            events refused, the tiers customers end in and the campaign actions, then the \
            customers whose lifetime points change most.

            Examples:
              retention-host simulate Examples/Store/events.jsonl --plugins Plugins --candidate Plugins candidate/double-coffee.lua
              retention-host simulate events.jsonl --plugins Plugins --candidate new --config current.json --candidate-config new.json --json
            """
    )

    @Argument(help: "JSON Lines event files, applied in the order given.")
    var events: [String]

    @Option(parsing: .upToNextOption, help: "The current plugins: files (.lua) or folders of them.")
    var plugins: [String]

    @Option(parsing: .upToNextOption, help: "The candidate plugins: files (.lua) or folders of them.")
    var candidate: [String]

    @Option(help: "Configuration for the current plugins (JSON).")
    var config: String?

    @Option(help: "Configuration for the candidate plugins (JSON); the current one when not given.")
    var candidateConfig: String?

    @OptionGroup var program: ProgramOptions

    @Option(help: "What points are worth, as MONEY/POINTS in the first accepted currency (1.00/100: a cent a point).")
    var pointValue: String?

    @Option(help: "How many of the most affected customers to list.")
    var top = 10

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    func validate() throws {
        guard !plugins.isEmpty, !candidate.isEmpty else { throw ValidationError("give both rule sets: --plugins PATH... --candidate PATH...") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let program = try program.program()
        var history: [Event] = []
        var unreadable = 0
        for path in events {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path); give an events file") }
            for line in EventLines(Array(data)) {
                switch line.result {
                case .success(let event): history.append(event)
                case .failure(let error):
                    unreadable += 1
                    FileHandle.standardError.write(Data("retention-host: \(path):\(line.number): \(error)\n".utf8))
                }
            }
        }
        let currentConfiguration = try config.map(ConfigurationFile.read) ?? .nil
        let candidateConfiguration = try candidateConfig.map(ConfigurationFile.read) ?? currentConfiguration
        let current = try Outcome(history, plugins: plugins, configuration: currentConfiguration, program: program)
        let proposed = try Outcome(history, plugins: candidate, configuration: candidateConfiguration, program: program)
        let currency = program.currencies.sorted { $0.code < $1.code }.first ?? .usd
        let value = try pointValue.map { try ReportCommand.pointValue($0, currency) }
        // The customers whose lifetime points change most.
        let ids = Set(current.lifetime.keys).union(proposed.lifetime.keys)
        let affected = ids.map { id in (id, (proposed.lifetime[id] ?? 0) - (current.lifetime[id] ?? 0)) }
            .filter { $0.1 != 0 }
            .sorted { (abs($0.1), $1.0) > (abs($1.1), $0.0) }
            .prefix(top)
        if json {
            func side(_ outcome: Outcome) -> [String: Any] {
                var fields: [String: Any] = [
                    "earned": outcome.earned, "redeemed": outcome.redeemed, "expired": outcome.expired, "reversed": outcome.reversed,
                    "held": outcome.held, "rejected": outcome.rejected, "tiers": outcome.tiers.mapKeys { $0 ?? "none" },
                    "campaigns": outcome.campaigns,
                ]
                if let value { fields["liability"] = value.worth(of: outcome.held).formatted }
                return fields
            }
            let result: [String: Any] = [
                "events": history.count, "unreadable": unreadable, "current": side(current), "candidate": side(proposed),
                "most_affected": affected.map { ["customer_id": $0.0, "lifetime_points_change": $0.1] },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("\(history.count) events, replayed under both rule sets\(unreadable > 0 ? " (\(unreadable) unreadable lines skipped)" : "")")
        func row(_ name: String, _ a: Int64, _ b: Int64) {
            print(name.padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: "%14lld %14lld %+14lld", a, b, b - a))
        }
        print("".padding(toLength: 32, withPad: " ", startingAt: 0) + "       current      candidate         change")
        row("points earned", current.earned, proposed.earned)
        row("points redeemed", current.redeemed, proposed.redeemed)
        row("points expired", current.expired, proposed.expired)
        row("points taken back", current.reversed, proposed.reversed)
        row("points held at the end", current.held, proposed.held)
        if let value {
            print("liability".padding(toLength: 32, withPad: " ", startingAt: 0)
                  + "\(value.worth(of: current.held).formatted) → \(value.worth(of: proposed.held).formatted) \(currency.code)")
        }
        row("events refused", Int64(current.rejected), Int64(proposed.rejected))
        for tier in Set(current.tiers.keys).union(proposed.tiers.keys).sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            row("tier \(tier ?? "(none)")", Int64(current.tiers[tier] ?? 0), Int64(proposed.tiers[tier] ?? 0))
        }
        for campaign in Set(current.campaigns.keys).union(proposed.campaigns.keys).sorted() {
            row("campaign \(campaign)", Int64(current.campaigns[campaign] ?? 0), Int64(proposed.campaigns[campaign] ?? 0))
        }
        if affected.isEmpty {
            print("No customer's lifetime points change.")
        } else {
            print("Most affected customers (lifetime points):")
            for (id, change) in affected {
                print("  \(id.padding(toLength: 20, withPad: " ", startingAt: 0)) \(current.lifetime[id] ?? 0) → \(proposed.lifetime[id] ?? 0) (\(change > 0 ? "+" : "")\(change))")
            }
        }
    }

    /// What one rule set made of the history.
    struct Outcome {
        var earned: Int64 = 0, redeemed: Int64 = 0, expired: Int64 = 0, reversed: Int64 = 0, held: Int64 = 0
        var rejected = 0
        var tiers: [String?: Int] = [:]
        var campaigns: [String: Int] = [:]
        var lifetime: [String: Int64] = [:]

        init(_ history: [Event], plugins: [String], configuration: LuaValue, program: Program) throws {
            let files = try PluginFiles.expand(plugins)
            let rules = try LuaPlugins(files: files, program: program, configuration: configuration).ruleSet().rules
            var engine = Engine(program: program, rules: rules)
            for event in history {
                switch engine.apply(event) {
                case .applied(let decisions):
                    for action in decisions.campaignActions { campaigns[action.campaign, default: 0] += 1 }
                case .rejected: rejected += 1
                case .duplicate: break
                }
            }
            let end = engine.clock?.day
            for id in engine.customerIDs {
                guard let account = engine.account(of: id) else { continue }
                earned += account.totals.earned
                redeemed += account.totals.redeemed
                expired += account.totals.expired
                reversed += account.totals.reversed
                let balance = account.balance(on: max(end ?? account.today ?? Day(number: 0), account.today ?? Day(number: 0)))
                held += balance.available.value + balance.pending.value
                lifetime[id] = account.totals.earned
                tiers[engine.view(of: id)?.tier, default: 0] += 1
            }
        }
    }
}

extension Dictionary {
    fileprivate func mapKeys<NewKey: Hashable>(_ transform: (Key) -> NewKey) -> [NewKey: Value] {
        Dictionary<NewKey, Value>(map { (transform($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
