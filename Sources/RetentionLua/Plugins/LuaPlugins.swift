import Foundation
import Logging
import RetentionKit

/// A set of Lua plugins, loaded and checked against the plugin contract, ready to drive an
/// ``Engine``: their `earn` hooks become earning rules, `tier` the tier policy, `segments`
/// segment definitions and `triggers` campaign triggers.
///
/// ```swift
/// let program = Program(currencies: [.usd], returnWindowDays: 30)
/// let plugins = try LuaPlugins(files: ["Plugins/purchase-points.lua", "Plugins/spend-tiers.lua"], program: program)
/// var engine = Engine(program: program, rules: try plugins.ruleSet().rules)
/// let outcome = engine.apply(event)   // a failing hook rejects this event only, naming plugin, hook and line
/// ```
///
/// Plugins load in the order given: awards add up (higher `priority` first, then this order),
/// segments unite, triggers concatenate. Two plugins with one name, two defining `tier`, one
/// segment defined twice, or an unknown `api` are load errors. See `Documentation/LuaPlugins.md`.
public struct LuaPlugins: Sendable {
    /// The note of an `earn` hook the engine did not call because the plugin's `earn_on` leaves
    /// the event's type out (``RuleOutcome/note``), so an explanation can tell "not asked" from
    /// "asked, and awarded nothing". The same as ``RuleOutcome/notAskedNote``.
    public static let notAskedNote = RuleOutcome.notAskedNote

    /// A plugin's source text and the file name it goes by.
    public struct Source: Sendable, Hashable {
        /// The name errors and tracebacks show: the file's path, or a name of your choosing.
        public var file: String
        /// The Lua source text.
        public var text: String

        public init(file: String, text: String) {
            self.file = file
            self.text = text
        }
    }

    /// The plugins, in load order.
    public let manifests: [PluginManifest]
    /// The program the plugins run under (`retention.config("program.…")` reads it, and order
    /// lines' `eligible` amounts follow its earning base).
    public let program: Program
    /// What `retention.config` reads.
    public let configuration: LuaValue
    /// The limits each hook call runs under.
    public let limits: LuaLimits
    /// How argument tables are protected.
    public let argumentTables: LuaArgumentTables
    /// Whether rule sets record what each hook costs (``LuaRuleSet/profile``). Profiling counts
    /// every instruction exactly, which makes calls slower.
    public let profiling: Bool
    let sources: [Source]
    let logger: Logger

    /// Loads plugin files (each path names a `.lua` file).
    public init(
        files: [String], program: Program = Program(), configuration: LuaValue = .nil, limits: LuaLimits = .default,
        argumentTables: LuaArgumentTables = .guarded, profiling: Bool = false,
        logger: Logger = Logger(label: "RetentionLua.plugins")
    ) throws(PluginError) {
        var sources: [Source] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PluginError(code: .load, file: file, message: "cannot read the file", hint: "check the path and the file's permissions")
            }
            sources.append(Source(file: file, text: String(decoding: data, as: UTF8.self)))
        }
        try self.init(sources: sources, program: program, configuration: configuration, limits: limits,
                      argumentTables: argumentTables, profiling: profiling, logger: logger)
    }

    /// Loads plugins from source text.
    public init(
        sources: [Source], program: Program = Program(), configuration: LuaValue = .nil, limits: LuaLimits = .default,
        argumentTables: LuaArgumentTables = .guarded, profiling: Bool = false,
        logger: Logger = Logger(label: "RetentionLua.plugins")
    ) throws(PluginError) {
        self.sources = sources
        self.program = program
        self.configuration = configuration
        var limits = limits
        // Profiles count every instruction, not every thousandth.
        if profiling { limits.checkInterval = 1 }
        self.limits = limits
        self.argumentTables = argumentTables
        self.profiling = profiling
        self.logger = logger
        manifests = try Self.inspect(sources, program: program, configuration: configuration, limits: limits, logger: logger)
    }

    /// Loads every plugin into a scratch runtime and checks what it declares, alone and
    /// together with the others.
    private static func inspect(
        _ sources: [Source], program: Program, configuration: LuaValue, limits: LuaLimits, logger: Logger
    ) throws(PluginError) -> [PluginManifest] {
        let runtime: LuaRuntime
        do {
            runtime = try LuaRuntime(limits: limits, argumentTables: .readOnly, logger: logger)
            try HostLibrary.register(in: runtime, configuration: configuration, program: program, logger: logger)
        } catch {
            throw PluginError(error, code: .load, plugin: nil, hook: nil)
        }
        var manifests: [PluginManifest] = []
        var owners: [String: String] = [:]
        var tierOwner: PluginManifest?
        var segmentOwners: [String: String] = [:]
        for source in sources {
            let exports: LuaExports
            do {
                exports = try runtime.exports(of: runtime.load(plugin: source.file, source: source.text))
            } catch {
                throw PluginError(error, code: .load, plugin: nil, hook: nil)
            }
            let hash = String(Partition.fnv1a(source.text), radix: 16)
            let manifest = try PluginManifest(file: source.file, exports: exports, sourceHash: hash)
            func clash(_ field: String, _ message: String, _ hint: String) -> PluginError {
                PluginError(code: .contract, file: source.file, plugin: manifest.name, field: field, message: message, hint: hint)
            }
            if let other = owners[manifest.name] {
                throw clash("name", "'\(manifest.name)' is also the name of \(other)", "give each plugin a unique name")
            }
            if manifest.decidesTier, let other = tierOwner {
                throw clash("tier", "\(other.file) (plugin \(other.name)) defines `tier` too; at most one loaded plugin may",
                            "load one tier plugin, or merge the two")
            }
            for segment in manifest.segments {
                if let other = segmentOwners[segment] {
                    throw clash("segments.\(segment)", "segment '\(segment)' is also defined by \(other)",
                                "give the segment another name, or define it once")
                }
                segmentOwners[segment] = source.file
            }
            owners[manifest.name] = source.file
            if manifest.decidesTier { tierOwner = manifest }
            manifests.append(manifest)
        }
        return manifests
    }

    /// Gives a runtime of your own the `retention` library plugins call (register it before
    /// loading them), for calling a plugin's functions directly, as `retention-host call` does.
    public static func registerLibrary(
        in runtime: LuaRuntime, program: Program = Program(), configuration: LuaValue = .nil,
        logger: Logger = Logger(label: "RetentionLua.plugins")
    ) throws(LuaError) {
        try HostLibrary.register(in: runtime, configuration: configuration, program: program, logger: logger)
    }

    /// The plugins as the engine's rules, on a runtime of their own. Make one per engine (an
    /// engine per core, with customers partitioned, uses both cores).
    public func ruleSet() throws(PluginError) -> LuaRuleSet {
        let host = try PluginHost(plugins: self, program: program)
        var earning: [any EarningRule] = []
        var tiers: (any TierPolicy)?
        var segments: [any SegmentGroup] = []
        var triggers: [any CampaignTrigger] = []
        for (index, manifest) in manifests.enumerated() {
            if manifest.earns {
                earning.append(LuaEarningRule(
                    name: manifest.name, version: manifest.version, priority: manifest.priority, host: host,
                    hook: host.hook(plugin: index, path: "earn"), answers: manifest.earnOn))
            }
            if manifest.decidesTier {
                tiers = LuaTierPolicy(
                    name: manifest.name, version: manifest.version, tiers: manifest.tiers, multipliers: manifest.earnMultipliers,
                    host: host, hook: host.hook(plugin: index, path: "tier"))
            }
            if !manifest.segments.isEmpty {
                segments.append(LuaSegmentGroup(
                    names: manifest.segments, host: host, hooks: manifest.segments.map { host.hook(plugin: index, path: "segments.\($0)") }))
            }
            if manifest.triggers {
                triggers.append(LuaCampaignTrigger(
                    name: manifest.name, host: host, hook: host.hook(plugin: index, path: "triggers"), answers: manifest.triggersOn,
                    asksOnClock: manifest.triggersOnClock))
            }
        }
        return LuaRuleSet(rules: RuleSet(earning: earning, tiers: tiers, segmentGroups: segments, triggers: triggers), host: host)
    }
}

/// The engine's rules backed by one Lua runtime, and what its hooks have cost.
public struct LuaRuleSet: Sendable {
    /// The rules to give an ``Engine``.
    public let rules: RuleSet
    let host: PluginHost

    /// What each hook has cost so far, by plugin and hook (empty unless the plugins were loaded
    /// with `profiling: true`).
    public var profile: [HookProfile] { host.profile }

    /// Bytes the runtime holds.
    public var memoryInUse: Int { host.memoryInUse }
}
