import Foundation
import RetentionFixtures
import RetentionKit
import RetentionLua
import Testing

/// Plugins that misbehave for one customer: each rejects only that customer's events that reach
/// the bad hook, with an error naming the plugin, hook and line, while every other event of the
/// replay is decided exactly as without the misbehaviour.
@Suite("Hostile plugins reject only the events they touch")
struct HostilePluginTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Library files the hostile plugin stands in for.
        var replaces: [String] = []
        var source: String
        var code: PluginError.Code
        var hook: String
        var message: String
        var testDescription: String { name }
    }

    static let header = """
        local ARMED = retention.config("armed", false)
        local TARGET = retention.config("target")

        """

    static let cases: [Case] = [
        Case(name: "an endless loop in earn", source: header + """
            return { name = "hostile-earn", api = 1, earn = function(event, customer)
              if ARMED and customer.id == TARGET and event.type == "order_placed" then
                while true do end
              end
            end }
            """, code: .hookFailed, hook: "earn", message: "instruction budget exceeded"),
        Case(name: "a memory bomb in tier", replaces: ["spend-tiers.lua"], source: header + """
            return { name = "hostile-tier", api = 1, tiers = { "member" }, tier = function(customer)
              if ARMED and customer.id == TARGET and customer.order_count >= 3 then
                local hoard = "x"
                while true do hoard = hoard .. hoard end
              end
              return "member"
            end }
            """, code: .hookFailed, hook: "tier", message: "memory limit exceeded"),
        // The plugin's segments are asked in one step; the error names the one that failed.
        Case(name: "an error in a segment", source: header + """
            return { name = "hostile-segment", api = 1, segments = {
              calm = function(customer) return customer.order_count >= 1 end,
              doomed = function(customer)
                if ARMED and customer.id == TARGET and customer.order_count >= 3 then
                  error("segment exploded for " .. customer.id)
                end
                return false
              end,
              zen = function(customer) return customer.order_count >= 2 end,
            } }
            """, code: .hookFailed, hook: "segments.doomed", message: "segment exploded for"),
        Case(name: "a wrong return type", source: header + """
            return { name = "hostile-result", api = 1, earn = function(event, customer)
              if ARMED and customer.id == TARGET and event.type == "order_placed" then return 42 end
            end }
            """, code: .badResult, hook: "earn", message: "expected a list of awards, nil or a note, got the integer 42"),
        Case(name: "writes to customer", source: header + """
            return { name = "hostile-write", api = 1, earn = function(event, customer)
              -- Overwriting a field stays local to this call: other plugins still see the truth.
              customer.order_count = 0
              customer.points_available = 1000000
              if ARMED and customer.id == TARGET and event.type == "order_placed" then
                customer.vip = true   -- adding a field raises
              end
            end }
            """, code: .hookFailed, hook: "earn", message: "vip"),
    ]

    /// A customer of the store with several orders, so the bad hook fires more than once.
    static func target(in events: [Event]) -> String {
        var orders: [String: Int] = [:]
        for event in events { if case .orderPlaced(let order) = event.payload { orders[order.customerID, default: 0] += 1 } }
        return orders.filter { $0.value >= 6 }.keys.sorted().first ?? "c0"
    }

    /// An outcome without what it decided for `customer` (clock events decide for everyone).
    static func others(of customer: String, in outcome: EventOutcome) -> EventOutcome {
        guard case .applied(var decisions) = outcome else { return outcome }
        decisions.entries.removeAll { $0.customerID == customer }
        decisions.tierChanges.removeAll { $0.customerID == customer }
        decisions.segmentChanges.removeAll { $0.customerID == customer }
        decisions.campaignActions.removeAll { $0.customerID == customer }
        decisions.adjustments.removeAll { $0.customerID == customer }
        decisions.explanation.removeAll { $0.customerID == customer }
        return .applied(decisions)
    }

    @Test("The bad hook rejects the target's events; all other events are decided as without it", arguments: cases)
    func rejectsOnlyTouchedEvents(_ hostile: Case) throws {
        let events = SyntheticStore(customers: 120, seed: 11).events()
        let target = Self.target(in: events)
        let files = PluginEquivalenceTests.libraryFiles(ReferenceProgram.pluginFiles.filter { !hostile.replaces.contains($0) })
        var limits = LuaLimits.default
        limits.memoryBytes = 16 << 20
        func engine(armed: Bool) throws -> Engine {
            var sources = try files.map { LuaPlugins.Source(file: $0, text: try String(contentsOfFile: $0, encoding: .utf8)) }
            sources.append(LuaPlugins.Source(file: "hostile.lua", text: hostile.source))
            let plugins = try LuaPlugins(
                sources: sources, program: ReferenceProgram.program,
                configuration: ["armed": .boolean(armed), "target": .string(target)], limits: limits)
            return Engine(program: ReferenceProgram.program, rules: try plugins.ruleSet().rules)
        }
        var reference = try engine(armed: false)
        var attacked = try engine(armed: true)
        var rejections: [EngineError] = []
        for event in events {
            let expected = reference.apply(event)
            let actual = attacked.apply(event)
            if event.customerID == target {
                if case .rejected(let error) = actual { rejections.append(error) }
            } else {
                #expect(Self.others(of: target, in: actual) == Self.others(of: target, in: expected),
                        "\(event.id) (\(event.type)) was decided differently for other customers")
            }
        }
        // A rejected order leaves its later events nothing to refer to; those are refused plainly.
        #expect(rejections.allSatisfy { $0.code == .rule || $0.code == .unknownOrder }, "\(rejections)")
        rejections.removeAll { $0.code == .unknownOrder }
        #expect(!rejections.isEmpty, "the hostile hook never fired")
        for error in rejections {
            #expect(error.code == .rule)
            #expect(error.message.contains("hostile.lua"), "\(error)")
            #expect(error.message.contains("hook \(hostile.hook)"), "\(error)")
            #expect(error.message.contains(hostile.message), "\(error)")
        }
        // Errors from Lua itself name the line.
        if hostile.code == .hookFailed, hostile.hook != "tier" {
            #expect(rejections.allSatisfy { $0.message.contains("hostile.lua:") }, "\(rejections[0])")
        }
    }
}
