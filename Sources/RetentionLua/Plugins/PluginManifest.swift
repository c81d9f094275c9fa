import RetentionKit

/// What a plugin declares about itself in the table its file returns, checked against the
/// plugin contract (`Documentation/LuaPlugins.md`).
///
/// ```lua
/// return {
///   name = "spend-tiers", api = 1, version = "2",
///   tiers = { "bronze", "silver", "gold" },          -- lowest first; needed with `tier`
///   earn_multipliers = { silver = 125, gold = 150 }, -- percent, on order lines
///   tier = function(customer) ... end,
/// }
/// ```
public struct PluginManifest: Sendable, Hashable {
    /// The plugin API versions this library runs.
    public static let supportedAPIs: ClosedRange<Int64> = 1...1

    /// The fields a plugin table may hold.
    public static let knownFields: Set<String> = [
        "name", "api", "version", "priority", "description", "earn", "earn_on", "tier", "tiers", "earn_multipliers",
        "segments", "triggers", "triggers_on", "triggers_on_clock", "tests",
    ]

    /// The file it was loaded from (its chunk name).
    public var file: String
    /// Its unique name; ledger entries and campaign actions name it.
    public var name: String
    /// The plugin API version it was written for.
    public var api: Int64
    /// Its version, recorded on ledger entries: the declared `version`, or a hash of the source
    /// ("src-…") so that any change of the file shows in the ledger.
    public var version: String
    /// Plugins with a higher priority earn first (and so fill limits first); 0 by default.
    public var priority: Int
    /// What it does, in a sentence.
    public var summary: String?
    /// Whether it defines `earn`.
    public var earns: Bool
    /// Whether it defines `tier` (at most one loaded plugin may).
    public var decidesTier: Bool
    /// Whether it defines `triggers`.
    public var triggers: Bool
    /// The event types `earn` answers (`earn_on`), when the plugin lists them: the engine asks
    /// it about those only, and about every event when it does not.
    public var earnOn: Set<String>?
    /// The event types `triggers` answers (`triggers_on`), likewise (`clock` events are governed
    /// by ``triggersOnClock``).
    public var triggersOn: Set<String>?
    /// Whether `triggers` is also asked about every customer on each `clock` event
    /// (`triggers_on_clock = true`), for campaigns time starts.
    public var triggersOnClock: Bool
    /// The segments it defines, sorted.
    public var segments: [String]
    /// Its tiers, lowest first (when it defines `tier`).
    public var tiers: [String]
    /// Earn multipliers in percent by tier (absent tiers earn 100%).
    public var earnMultipliers: [String: Int64]
    /// Its test cases (`tests`), as data; `retention-host check` runs them.
    public var tests: LuaValue

    /// Checks the table a plugin returned.
    init(file: String, exports: LuaExports, sourceHash: String) throws(PluginError) {
        func broken(_ field: String?, _ message: String, _ hint: String, plugin: String? = nil) -> PluginError {
            PluginError(code: .contract, file: file, plugin: plugin, field: field, message: message, hint: hint)
        }
        guard let table = exports.values.tableValue else {
            throw broken(nil, "the file returned \(exports.functions.contains("") ? "a function" : exports.values.typeName), not a plugin table",
                         "end the file with `return { name = \"...\", api = 1, earn = ..., ... }`")
        }
        guard case .string(let name) = table.fields["name"] ?? .nil, !name.isEmpty else {
            throw broken("name", "missing or not a string", "give the plugin a unique name: `name = \"my-rule\"`")
        }
        let unknown = Set(table.fields.keys).union(exports.functions.compactMap { $0.split(separator: ".").first.map(String.init) })
            .subtracting(Self.knownFields).sorted()
        if let field = unknown.first {
            throw broken(field, "unknown field", "the plugin table may hold \(Self.knownFields.sorted().joined(separator: ", ")); check the spelling", plugin: name)
        }
        guard case .integer(let api) = table.fields["api"] ?? .nil else {
            throw broken("api", "missing or not an integer", "declare the plugin API version it was written for: `api = 1`", plugin: name)
        }
        guard Self.supportedAPIs.contains(api) else {
            throw broken("api", "version \(api) is not supported (this library runs api \(Self.supportedAPIs.lowerBound)...\(Self.supportedAPIs.upperBound))",
                         "write the plugin against api 1, or upgrade RetentionKit", plugin: name)
        }
        self.file = file
        self.name = name
        self.api = api
        switch table.fields["version"] ?? .nil {
        case .nil: version = "src-\(sourceHash)"
        case .string(let text): version = text
        case .integer(let number): version = String(number)
        default: throw broken("version", "must be a string or an integer", "write `version = \"2\"`", plugin: name)
        }
        switch table.fields["priority"] ?? .nil {
        case .nil: priority = 0
        case .integer(let number) where abs(number) <= 1_000_000: priority = Int(number)
        default: throw broken("priority", "must be an integer between -1000000 and 1000000", "write `priority = 10`", plugin: name)
        }
        summary = table.fields["description"]?.stringValue
        for hook in ["earn", "tier", "triggers"] where table.fields[hook] != nil {
            throw broken(hook, "must be a function, not a \(table.fields[hook]!.typeName)", "define `\(hook) = function(...) ... end`", plugin: name)
        }
        earns = exports.functions.contains("earn")
        decidesTier = exports.functions.contains("tier")
        triggers = exports.functions.contains("triggers")
        // A list of event types a hook answers: a list of known type names, for a hook it has.
        func eventTypes(_ field: String, of hook: String, defined: Bool) throws(PluginError) -> Set<String>? {
            guard let value = table.fields[field] else { return nil }
            guard defined else {
                throw broken(field, "lists event types, but the plugin has no `\(hook)`", "define `\(hook)`, or remove `\(field)`", plugin: name)
            }
            guard let list = value.tableValue, list.fields.isEmpty, list.integerKeys.isEmpty, !list.array.isEmpty,
                  list.array.allSatisfy({ $0.stringValue != nil })
            else {
                throw broken(field, "must be a list of event type names", "write `\(field) = { \"order_placed\", \"order_refunded\" }`", plugin: name)
            }
            let known = Set(EventPayload.types + EventPayload.engineTypes)
            let names = list.array.compactMap(\.stringValue)
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw broken(field, "'\(unknown)' is not an event type",
                             "use the types of Documentation/Events.md: \(known.sorted().joined(separator: ", "))", plugin: name)
            }
            return Set(names)
        }
        earnOn = try eventTypes("earn_on", of: "earn", defined: earns)
        triggersOn = try eventTypes("triggers_on", of: "triggers", defined: triggers)
        switch table.fields["triggers_on_clock"] ?? .nil {
        case .nil: triggersOnClock = false
        case .boolean(let flag) where !flag || triggers: triggersOnClock = flag
        case .boolean: throw broken("triggers_on_clock", "is true but the plugin has no `triggers`", "define `triggers`, or remove the flag", plugin: name)
        default: throw broken("triggers_on_clock", "must be true or false", "write `triggers_on_clock = true`", plugin: name)
        }
        if let data = table.fields["segments"], !(data.tableValue?.isEmpty ?? false) {
            throw broken("segments", "every segment must be a function of the customer returning true or false",
                         "write `segments = { at_risk = function(customer) return ... end }`", plugin: name)
        }
        segments = exports.functions.filter { $0.hasPrefix("segments.") }.map { String($0.dropFirst("segments.".count)) }.sorted()
        if let nested = segments.first(where: { $0.contains(".") }) {
            throw broken("segments.\(nested)", "segments are one level deep", "name each segment directly in `segments`", plugin: name)
        }
        tiers = []
        switch table.fields["tiers"] ?? .nil {
        case .nil:
            break
        case .table(let list) where list.fields.isEmpty && list.integerKeys.isEmpty && list.array.allSatisfy({ $0.stringValue != nil }):
            tiers = list.array.compactMap(\.stringValue)
        default:
            throw broken("tiers", "must be a list of tier names, lowest first", "write `tiers = { \"bronze\", \"silver\", \"gold\" }`", plugin: name)
        }
        if decidesTier, tiers.isEmpty {
            throw broken("tiers", "a plugin with `tier` must list its tiers", "add `tiers = { \"bronze\", \"silver\", \"gold\" }`, lowest first", plugin: name)
        }
        if Set(tiers).count != tiers.count {
            throw broken("tiers", "a tier is listed twice", "list each tier once, lowest first", plugin: name)
        }
        earnMultipliers = [:]
        if let multipliers = table.fields["earn_multipliers"] {
            guard let list = multipliers.tableValue, list.array.isEmpty, list.integerKeys.isEmpty else {
                throw broken("earn_multipliers", "must map tier names to percents", "write `earn_multipliers = { gold = 150 }`", plugin: name)
            }
            for (tier, value) in list.fields {
                guard tiers.contains(tier) else {
                    throw broken("earn_multipliers.\(tier)", "not one of the plugin's tiers (\(tiers.joined(separator: ", ")))",
                                 "name a tier listed in `tiers`", plugin: name)
                }
                guard case .integer(let percent) = value, (0...10_000).contains(percent) else {
                    throw broken("earn_multipliers.\(tier)", "must be an integer percent between 0 and 10000 (150 earns 1.5x)",
                                 "write `\(tier) = 150`", plugin: name)
                }
                earnMultipliers[tier] = percent
            }
        }
        tests = table.fields["tests"] ?? .nil
        if tests != .nil, tests.tableValue == nil {
            throw broken("tests", "must be a list of test cases", "see Documentation/LuaPlugins.md, Testing plugins", plugin: name)
        }
    }
}
