import Foundation
import RetentionKit

/// A plugin's test case: events to apply, and what each customer should have afterwards.
///
/// Cases come from the plugin's `tests` table or from a `name.test.jsonl` file beside it (events
/// one per line; a line with `"expect"` closes a case). Expectations per customer:
/// `available`, `pending`, `lifetime` (points), `tier` (a name, or `false` for none), `segments`
/// (the full sorted list) and `campaigns` (the campaigns triggered, in order). Events expected
/// to be rejected are listed in `rejected`; any other rejection fails the case.
///
/// ```lua
/// tests = {
///   { name = "a review with a photo earns 50",
///     events = { { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana" } },
///                { id = "r1", type = "review_posted", at = "2025-03-02T09:00:00Z",
///                  review = { id = "r1", customer_id = "ana", sku = "MUG", rating = 5, has_media = true } } },
///     expect = { ana = { available = 50 } } },
/// }
/// ```
public struct PluginTestCase: Sendable {
    /// The case's name.
    public var name: String
    /// Where it was declared ("Plugins/review-points.lua, tests[1]", "review-points.test.jsonl:7").
    public var origin: String
    /// The events, in order.
    public var events: [Event]
    /// Expected figures by customer id, then by field.
    public var expectations: [String: [String: LuaValue]]
    /// Events expected to be rejected.
    public var rejected: Set<String>

    /// The figures an expectation may name.
    public static let expectationFields: Set<String> = ["available", "pending", "lifetime", "tier", "segments", "campaigns"]
}

/// What running one case gave.
public struct PluginTestResult: Sendable {
    /// The case that ran.
    public var testCase: PluginTestCase
    /// One line per difference ("ana.available: expected 70, got 50"); empty when it passed.
    public var differences: [String]
    /// What each hook cost while the case ran (empty unless the plugins were loaded with
    /// `profiling: true`).
    public var profile: [HookProfile]
    /// Whether everything was as expected.
    public var passed: Bool { differences.isEmpty }
}

/// Reads and runs plugins' test cases.
public enum PluginFixtures {
    /// The cases of a plugin's `tests` table.
    public static func cases(of manifest: PluginManifest) throws(PluginError) -> [PluginTestCase] {
        guard case .table(let list) = manifest.tests else { return [] }
        var cases: [PluginTestCase] = []
        for (index, item) in list.array.enumerated() {
            let origin = "\(manifest.file), tests[\(index + 1)]"
            func bad(_ message: String) -> PluginError {
                PluginError(code: .contract, file: manifest.file, plugin: manifest.name, field: "tests[\(index + 1)]",
                            message: message, hint: "see Documentation/LuaPlugins.md, Testing plugins")
            }
            guard let events = item["events"].tableValue?.array else { throw bad("a case needs a list of `events`") }
            var parsed: [Event] = []
            for (number, event) in events.enumerated() {
                do {
                    parsed.append(try EventParser.parse(json(event)))
                } catch {
                    throw bad("events[\(number + 1)]: \(error)")
                }
            }
            let name = item["name"].stringValue ?? "case \(index + 1)"
            cases.append(try testCase(name: name, origin: origin, events: parsed, expect: item["expect"], rejected: item["rejected"], bad: bad))
        }
        return cases
    }

    /// The cases of a `name.test.jsonl` file.
    public static func cases(jsonLines path: String) throws(PluginError) -> [PluginTestCase] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PluginError(code: .load, file: path, message: "cannot read the file", hint: "check the path and the file's permissions")
        }
        var cases: [PluginTestCase] = []
        var events: [Event] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func bad(_ message: String) -> PluginError {
                PluginError(code: .contract, file: path, line: number, message: message,
                            hint: "each line is an event, or {\"case\": \"...\", \"expect\": {...}} closing a case")
            }
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let value: JSONValue
            do { value = try JSONParser.parse(Array(line.utf8)) } catch { throw bad("\(error)") }
            guard case .object(let members) = value else { throw bad("not a JSON object") }
            if let expect = members.first(where: { $0.0 == "expect" })?.1 {
                let name = members.first { $0.0 == "case" }.flatMap { if case .string(let text) = $0.1 { text } else { nil } }
                let rejected = members.first { $0.0 == "rejected" }.map { lua($0.1) } ?? .nil
                cases.append(try testCase(name: name ?? "case \(cases.count + 1)", origin: "\(path):\(number)", events: events,
                                          expect: lua(expect), rejected: rejected, bad: bad))
                events = []
            } else {
                do { events.append(try EventParser.parse(value, line: number)) } catch { throw bad("\(error)") }
            }
        }
        if !events.isEmpty {
            throw PluginError(code: .contract, file: path, message: "the last \(events.count) events have no expectation line after them",
                              hint: "end each case with {\"case\": \"...\", \"expect\": {...}}")
        }
        return cases
    }

    private static func testCase(
        name: String, origin: String, events: [Event], expect: LuaValue, rejected: LuaValue, bad: (String) -> PluginError
    ) throws(PluginError) -> PluginTestCase {
        guard let customers = expect.tableValue, customers.array.isEmpty else {
            throw bad("`expect` maps customer ids to expected figures: { ana = { available = 50 } }")
        }
        var expectations: [String: [String: LuaValue]] = [:]
        for (customer, fields) in customers.fields {
            guard let table = fields.tableValue else { throw bad("expect.\(customer) must be a table of figures") }
            if let unknown = table.fields.keys.first(where: { !PluginTestCase.expectationFields.contains($0) }) {
                throw bad("expect.\(customer).\(unknown): unknown (expect \(PluginTestCase.expectationFields.sorted().joined(separator: ", ")))")
            }
            expectations[customer] = table.fields
        }
        let rejectedIDs = Set(rejected.tableValue?.array.compactMap(\.stringValue) ?? [])
        return PluginTestCase(name: name, origin: origin, events: events, expectations: expectations, rejected: rejectedIDs)
    }

    /// Runs a case on a fresh engine with `plugins`.
    public static func run(_ testCase: PluginTestCase, with plugins: LuaPlugins) throws(PluginError) -> PluginTestResult {
        let rules = try plugins.ruleSet()
        var engine = Engine(program: plugins.program, rules: rules.rules)
        var differences: [String] = []
        var campaigns: [String: [String]] = [:]
        for event in testCase.events {
            switch engine.apply(event) {
            case .applied(let decisions):
                if testCase.rejected.contains(event.id) { differences.append("event \(event.id): expected a rejection, it was applied") }
                for action in decisions.campaignActions { campaigns[action.customerID, default: []].append(action.campaign) }
            case .rejected(let error):
                if !testCase.rejected.contains(event.id) { differences.append("event \(event.id) was rejected: \(error.message)") }
            case .duplicate:
                break
            }
        }
        for (customer, fields) in testCase.expectations.sorted(by: { $0.key < $1.key }) {
            guard let view = engine.view(of: customer) else {
                differences.append("\(customer): no such customer after the events")
                continue
            }
            for (field, expected) in fields.sorted(by: { $0.key < $1.key }) {
                let actual: LuaValue =
                    switch field {
                    case "available": .integer(view.pointsAvailable.value)
                    case "pending": .integer(view.pointsPending.value)
                    case "lifetime": .integer(view.lifetimePoints.value)
                    case "tier": view.tier.map(LuaValue.string) ?? .boolean(false)
                    case "segments": .table(LuaTable(array: view.segments.map(LuaValue.string)))
                    default: .table(LuaTable(array: (campaigns[customer] ?? []).map(LuaValue.string)))
                    }
                if actual != expected { differences.append("\(customer).\(field): expected \(expected), got \(actual)") }
            }
        }
        return PluginTestResult(testCase: testCase, differences: differences, profile: rules.profile)
    }

    // MARK: Conversions

    /// A Lua table in an event's JSON shape, as JSON.
    static func json(_ value: LuaValue) -> JSONValue {
        switch value {
        case .nil: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .integer(number)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .table(let table):
            if table.fields.isEmpty, table.integerKeys.isEmpty, !table.array.isEmpty { return .array(table.array.map(json)) }
            return .object(table.fields.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }

    static func lua(_ value: JSONValue) -> LuaValue {
        switch value {
        case .null: return .nil
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .integer(number)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .table(LuaTable(array: items.map(lua)))
        case .object(let members): return .table(LuaTable(fields: Dictionary(members.map { ($0.0, lua($0.1)) }, uniquingKeysWith: { $1 })))
        }
    }
}
