import ArgumentParser
import Foundation
import RetentionKit
import RetentionLua

/// `retention-host explain`: a customer's ledger as a statement, and what one event did.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print a customer's points ledger as a statement, or the entries one event made.",
        discussion: """
            The statement lists every ledger entry with its running balance (available and \
            pending together), the rule and version that decided it, and why; then the \
            customer's subscriptions, satisfaction and campaign history. With --event, only that \
            event's entries. The store keeps what rules awarded, not why a rule awarded nothing; \
            `retention-host check --events` shows every rule's outcome when replaying a file.

            Examples:
              retention-host explain --customer c42
              retention-host explain --customer c42 --event e1001 --store shop.sqlite
            """
    )

    @Option(help: "The store: a SQLite file or a postgres://USER:PASSWORD@HOST/DATABASE URL.")
    var store = StoreLocation("retention.sqlite")

    @Option(help: "The customer.")
    var customer: String

    @Option(help: "Only the entries this event made (with --events: every rule's verdict on it).")
    var event: String?

    @Option(parsing: .upToNextOption, help: "With --event: JSON Lines event files to replay in memory up to the event, through --plugins.")
    var events: [String] = []

    @Option(parsing: .upToNextOption, help: "With --events: the plugins, files (.lua) or folders of them, as the replay used.")
    var plugins: [String] = []

    @Option(help: "With --events: a JSON file of configuration the plugins read with retention.config.")
    var config: String?

    @OptionGroup(title: "With --events: the program, as the replay used")
    var program: ProgramOptions

    func validate() throws {
        guard !events.isEmpty || plugins.isEmpty else { throw ValidationError("--plugins is for a replay: give --events FILE... and --event ID too") }
        guard !events.isEmpty else { return }
        guard event != nil else { throw ValidationError("--events replays up to one event: give --event ID") }
        guard !plugins.isEmpty else { throw ValidationError("--events needs the plugins the replay used: give --plugins PATH...") }
    }

    func run() throws {
        if let event, !events.isEmpty { return try explainByReplay(event) }
        guard let record = try store.openForReading().customers([customer]).first else {
            throw ValidationError("the store \(store) has no customer '\(customer)'; `retention-host balances` lists them")
        }
        let stored = try StoredCustomer(decoding: record)
        if let merged = stored.mergedInto { print("\(customer) was merged into \(merged); their points moved there.") }
        var balance: Int64 = 0
        var lines: [String] = []
        for entry in stored.ledger {
            balance += entry.points.value - (entry.kind == .earned ? entry.settledDebt.value : 0)
            guard event == nil || entry.source.eventID == event else { continue }
            lines.append(
                "\(entry.day.iso)  \(entry.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))"
                    + String(format: "%+9lld %9lld  ", entry.points.value, balance) + Self.why(entry)
                    + (entry.source.eventID.isEmpty ? "" : "  [\(entry.source.eventID)]"))
        }
        if let event {
            print("Event \(event) for customer \(customer):")
            if lines.isEmpty {
                print("  no ledger entry: it earned and took nothing for this customer (the store does not keep why a rule awarded nothing; add --events FILE... --plugins PATH... to replay up to it and see every rule's verdict)")
            }
            lines.forEach { print("  " + $0) }
            return
        }
        print("Statement of \(customer) (tier \(stored.tier ?? "none"); segments \(stored.segments.isEmpty ? "none" : stored.segments.joined(separator: ", ")))")
        print("date        kind            points   balance  why")
        lines.forEach { print($0) }
        if lines.isEmpty { print("(no ledger entries)") }
        for subscription in stored.subscriptions {
            print("Subscription \(subscription.id) (\(subscription.plan), every \(subscription.interval)): \(subscription.status.name), started \(subscription.startedOn.iso), \(subscription.renewals) renewals, \(subscription.consecutiveRenewals) in a row")
        }
        let signals = stored.satisfaction.signals
        if !signals.isEmpty {
            let summary = stored.satisfaction.summary(on: signals.map(\.day).max() ?? stored.createdOn, policy: SatisfactionPolicy())
            print("Satisfaction (default weights and 30-day cycles): \(signals.count) signals; latest cycle score \(summary.score.map { String(Int($0.rounded())) } ?? "-")\(summary.flags.isEmpty ? "" : "; flags: " + summary.flags.joined(separator: ", "))")
        }
        for action in stored.campaigns {
            print("Campaign \(action.campaign) on \(action.day.iso) by \(action.trigger): \(action.outcome == .heldOut ? "held out (control group)" : "sent")")
        }
    }

    /// An entry on one line: day, kind, points, then why.
    static func describe(_ entry: LedgerEntry) -> String {
        "\(entry.day.iso)  \(entry.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))"
            + String(format: "%+9lld  ", entry.points.value) + why(entry)
    }

    /// The reason, the rule and version, and the order, availability, expiry and shortfall.
    static func why(_ entry: LedgerEntry) -> String {
        let rule = entry.source.rule.map { " \($0)\(entry.source.ruleVersion.map { "@\($0)" } ?? "")" } ?? ""
        var notes: [String] = []
        if let order = entry.source.orderID { notes.append("order \(order)") }
        if let available = entry.availableOn, available > entry.day { notes.append("available \(available.iso)") }
        if let last = entry.lastDay { notes.append("expires after \(last.iso)") }
        if entry.shortfall.value > 0 { notes.append("\(entry.shortfall.value) could not be taken back") }
        return entry.source.reason + rule + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))")
    }
}
