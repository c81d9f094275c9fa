import ArgumentParser
import Foundation
import RetentionKit
import RetentionLua

extension ExplainCommand {
    /// Replays `events` in memory through the plugins up to the event `target`, and prints
    /// what every rule decided about it for the customer: the store keeps what was awarded,
    /// the engine's own explanation says why (and why not).
    func explainByReplay(_ target: String) throws {
        let program = try program.program()
        let configuration = try config.map(ConfigurationFile.read) ?? .nil
        let rules = try LuaPlugins(files: try PluginFiles.expand(plugins), program: program, configuration: configuration)
            .ruleSet().rules
        var engine = Engine(program: program, rules: rules)
        for path in events {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path); give an events file") }
            for line in EventLines(Array(data)) {
                guard case .success(let event) = line.result else {
                    if case .failure(let error) = line.result {
                        FileHandle.standardError.write(Data("retention-host: \(path):\(line.number): \(error) (skipped)\n".utf8))
                    }
                    continue
                }
                let outcome = engine.apply(event)
                guard event.id == target else { continue }
                print("Event \(target) (\(event.type) on \(event.at.day.iso)) for customer \(customer), replayed from \(path):\(line.number):")
                Self.printOutcome(outcome, customer: customer)
                return
            }
        }
        throw ValidationError("no event \(target) in \(events.joined(separator: ", ")); give the file that holds it (and every event before it)")
    }

    static func printOutcome(_ outcome: EventOutcome, customer: String) {
        switch outcome {
        case .duplicate:
            print("  a duplicate: an event with this id came earlier, so nothing changed")
        case .rejected(let error):
            print("  refused whole, nothing applied: \(error)")
        case .applied(let decisions):
            printDecisions(decisions, customer: customer)
        }
    }

    private static func printDecisions(_ decisions: Decisions, customer: String) {
        let asked = decisions.explanation.filter { $0.customerID == customer }
        if asked.isEmpty {
            let touched = Set(decisions.explanation.map(\.customerID)).sorted()
            print("  no rule was asked about \(customer) for this event" + (touched.isEmpty ? "" : " (it concerned \(touched.joined(separator: ", ")))"))
        } else {
            let notAsked = asked.filter { $0.awards.isEmpty && $0.note == LuaPlugins.notAskedNote }
            print("  rules asked:")
            for outcome in asked where !notAsked.contains(outcome) {
                let verdict = outcome.awards.isEmpty
                    ? "nothing" + (outcome.note.map { ": \($0)" } ?? "")
                    : outcome.awards.map { "\($0.points.value) points (\($0.reason))" }.joined(separator: ", ")
                print("    \(outcome.rule)@\(outcome.version) on \(outcome.eventType): \(verdict)")
            }
            if !notAsked.isEmpty {
                print("  not asked (their earn_on leaves the event type out): \(notAsked.map(\.rule).joined(separator: ", "))")
            }
        }
        for adjustment in decisions.adjustments where adjustment.customerID == customer {
            print("  \(adjustment.rule) \"\(adjustment.reason)\": \(adjustment.requested.value) → \(adjustment.granted.value) points: \(adjustment.why)")
        }
        for note in decisions.notes { print("  engine: \(note)") }
        let entries = decisions.entries.filter { $0.customerID == customer }
        print(entries.isEmpty ? "  ledger: no entry" : "  ledger:")
        for item in entries { print("    " + describe(item.entry)) }
        for change in decisions.tierChanges where change.customerID == customer {
            print("  tier: \(change.from ?? "none") → \(change.to ?? "none") (\(change.reason))")
        }
        for change in decisions.segmentChanges where change.customerID == customer {
            print("  segment \(change.segment): \(change.joined ? "joined" : "left")")
        }
        for action in decisions.campaignActions where action.customerID == customer {
            print("  campaign \(action.campaign) by \(action.trigger): \(action.reason)")
        }
        for withheld in decisions.withheldActions where withheld.action.customerID == customer {
            print("  campaign \(withheld.action.campaign) by \(withheld.action.trigger) not sent: \(withheld.outcome)")
        }
    }
}
