import Foundation
import RetentionFixtures
import RetentionKit
import RetentionLua
import Testing

/// The plugin library against the built-in Swift program it mirrors: the same synthetic store
/// through both must give the same decisions, event by event.
@Suite("The plugin library decides as the built-in program does")
struct PluginEquivalenceTests {
    static func libraryFiles(_ names: [String]) -> [String] {
        names.map { PluginLibraryTests.pluginsFolder.appendingPathComponent($0).path }
    }

    @Test("Synthetic store: ledger entries, adjustments, tier changes, segment changes and campaign actions agree event by event")
    func sameDecisions() throws {
        let events = SyntheticStore(customers: 250, seed: 7).events()
        let program = ReferenceProgram.program
        let plugins = try LuaPlugins(files: Self.libraryFiles(ReferenceProgram.pluginFiles), program: program)
        var lua = Engine(program: program, rules: try plugins.ruleSet().rules)
        var swift = Engine(program: program, rules: try ReferenceProgram.builtInRules())
        var mismatches = 0
        var compared = (events: 0, entries: 0, tierChanges: 0, segmentChanges: 0, actions: 0)
        for event in events {
            let expected = swift.apply(event)
            let actual = lua.apply(event)
            compared.events += 1
            var differences: [String] = []
            switch (expected, actual) {
            case (.applied(let want), .applied(let got)):
                if got.entries != want.entries { differences.append("ledger entries: \(got.entries) != \(want.entries)") }
                if got.adjustments != want.adjustments { differences.append("adjustments: \(got.adjustments) != \(want.adjustments)") }
                if got.tierChanges != want.tierChanges { differences.append("tier changes: \(got.tierChanges) != \(want.tierChanges)") }
                if got.segmentChanges != want.segmentChanges {
                    differences.append("segment changes: \(got.segmentChanges) != \(want.segmentChanges)")
                }
                if got.campaignActions != want.campaignActions {
                    differences.append("campaign actions: \(got.campaignActions) != \(want.campaignActions)")
                }
                compared.entries += want.entries.count
                compared.tierChanges += want.tierChanges.count
                compared.segmentChanges += want.segmentChanges.count
                compared.actions += want.campaignActions.count
            case (.rejected(let want), .rejected(let got)) where got.code == want.code:
                break
            default:
                differences.append("built-in \(expected), plugins \(actual)")
            }
            // The first few differing events say enough; the rest would bury them.
            if !differences.isEmpty {
                mismatches += 1
                if mismatches <= 3 { Issue.record("\(event.id) (\(event.type)) differs: \(differences.joined(separator: "; "))") }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(compared.events) events decided differently")
        // The store exercises every part of the program, so the agreement means something.
        #expect(compared.entries > 1_000)
        #expect(compared.tierChanges > 20)
        #expect(compared.segmentChanges > 100)
        #expect(compared.actions > 20)
        for id in swift.customerIDs {
            #expect(lua.account(of: id) == swift.account(of: id), "customer \(id): accounts differ")
        }
    }
}
