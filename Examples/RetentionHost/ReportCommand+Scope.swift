import ArgumentParser
import RetentionKit
import RetentionMetrics

/// The options of `retention-host report` that narrow what it counts: one cut of the store,
/// and hygiene rules switched off.
struct ReportScopeOptions: ParsableArguments {
    @Option(help: "Report on the customers in this segment only (a segment a merchant's script or the engine put them in).")
    var segment: String?

    @Option(help: "Report on the orders placed through this channel only (web, pos, app, ...).")
    var channel: String?

    @Option(help: "Report on the order lines in this product category only, and those lines' revenue.")
    var category: String?

    @Option(help: "Report on the customers whose first order was MIN-MAX days before --to only (0-90: new customers).")
    var tenure: String?

    @Flag(help: "Report on loyalty members only (customers with a points ledger entry).")
    var members = false

    @Flag(help: "Report on the customers outside the loyalty programme only.")
    var nonMembers = false

    @Option(name: .customLong("hygiene-off"), help: ArgumentHelp(
        "Switch off a hygiene rule to see the raw figure; repeat for several.",
        discussion: "The rules: \(HygieneRules.names.joined(separator: ", ")).",
        valueName: "rule"))
    var hygieneOff: [String] = []

    /// The hygiene rules with the ones named by --hygiene-off switched off.
    func rules() throws -> HygieneRules {
        var rules = HygieneRules()
        for name in hygieneOff {
            do {
                rules = try rules.switchingOff(name)
            } catch {
                throw ValidationError("--hygiene-off \(name): \(error.message)")
            }
        }
        return rules
    }

    /// The one cut the options name, if any, with tenure counted back from `end`.
    func cut(asOf end: Day) throws -> Cut? {
        var cuts: [(option: String, cut: Cut)] = []
        if let segment { cuts.append(("--segment", .segment(segment))) }
        if let channel { cuts.append(("--channel", .channel(channel))) }
        if let category { cuts.append(("--category", .category(category))) }
        if let tenure { cuts.append(("--tenure", .tenure(days: try Self.days(tenure), asOf: end))) }
        if members { cuts.append(("--members", .loyaltyMembers(true))) }
        if nonMembers { cuts.append(("--non-members", .loyaltyMembers(false))) }
        guard cuts.count <= 1 else {
            throw ValidationError("\(cuts.map(\.option).joined(separator: " and ")) each cut the store; give one (run the report once per cut to compare them)")
        }
        return cuts.first?.cut
    }

    /// "0-90" as 0...90.
    private static func days(_ text: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low >= 0, low <= high else {
            throw ValidationError("--tenure \(text): write MIN-MAX days since the first order, for example 0-90 or 365-730")
        }
        return low...high
    }
}
