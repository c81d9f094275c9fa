import Logging
import RetentionKit
import Synchronization

/// One runtime with every plugin of a ``LuaPlugins`` loaded, shared by the rules built on it.
///
/// The rules must be `Sendable` (the engine's protocols are), a Lua state must be used by one
/// thread at a time: the runtime sits behind a mutex. An engine applies events one at a time,
/// so the lock is never contended; for two cores, give each engine its own rule set
/// (``LuaPlugins/ruleSet(program:)`` makes a new runtime each time).
final class PluginHost: Sendable {
    /// A hook of one plugin.
    struct Hook: Hashable, Sendable {
        var plugin: Int
        var path: String
        /// The function, resolved when the plugins were loaded (called only under the host's lock).
        var function: LuaFunction
    }

    private struct State {
        let runtime: LuaRuntime
        var profile: [Hook: HookProfile]?
    }

    let manifests: [PluginManifest]
    let program: Program
    /// The program's qualification window in words (`customer.qualification`), put into words
    /// once rather than for every customer table.
    let qualificationText: String
    /// Whether hooks' costs are recorded (fixed when the plugins are loaded).
    private let profiling: Bool
    private let state: Mutex<State>
    /// Every hook of every plugin, by plugin and path.
    private let hooks: [HookName: Hook]

    private struct HookName: Hashable {
        var plugin: Int
        var path: String
    }

    init(plugins: LuaPlugins, program: Program) throws(PluginError) {
        manifests = plugins.manifests
        self.program = program
        qualificationText = program.qualification.description
        profiling = plugins.profiling
        let runtime: LuaRuntime
        var hooks: [HookName: Hook] = [:]
        do {
            runtime = try LuaRuntime(limits: plugins.limits, argumentTables: plugins.argumentTables, logger: plugins.logger)
            try HostLibrary.register(in: runtime, configuration: plugins.configuration, program: program, logger: plugins.logger)
        } catch {
            throw PluginError(error, code: .load, plugin: nil, hook: nil)
        }
        for (index, source) in plugins.sources.enumerated() {
            let manifest = plugins.manifests[index]
            do {
                let plugin = try runtime.load(plugin: source.file, source: source.text)
                var paths = manifest.segments.map { "segments.\($0)" }
                if manifest.earns { paths.append("earn") }
                if manifest.decidesTier { paths.append("tier") }
                if manifest.triggers { paths.append("triggers") }
                for path in paths {
                    hooks[HookName(plugin: index, path: path)] = Hook(plugin: index, path: path, function: try runtime.function(path, in: plugin))
                }
            } catch {
                throw PluginError(error, code: .load, plugin: manifest.name, hook: nil)
            }
        }
        state = Mutex(State(runtime: runtime, profile: plugins.profiling ? [:] : nil))
        self.hooks = hooks
    }

    /// The hook at `path` ("earn", "segments.at_risk") of the plugin at `plugin`, which the
    /// plugin's manifest says it has.
    func hook(plugin: Int, path: String) -> Hook {
        guard let hook = hooks[HookName(plugin: plugin, path: path)] else {
            preconditionFailure("hook \(path) of plugin \(plugin) was never resolved")
        }
        return hook
    }

    /// Appends `view` as a hook's `customer` argument.
    func appendCustomer(_ view: CustomerView, to arguments: inout LuaArguments) {
        arguments.appendCustomer(view, qualification: view.qualification == program.qualification ? qualificationText : nil)
    }

    /// What a hook call came to: its checked result, a bad result, or a failed call.
    private enum Outcome<Checked: Sendable>: Sendable {
        case checked(Checked)
        /// A bad result, from the hook at `hook` of those called (0 for one).
        case bad(HookResults.Bad, hook: Int)
        case failed(LuaError)
    }

    /// Calls a hook with the arguments `build` appends, seeding `math.random` from `seed`
    /// (the event's id), and checks its result with `check` where it lies on the results tape;
    /// a failure names the plugin and hook, a bad result also the field.
    func call<Checked: Sendable>(
        _ hook: Hook, seed: String, arguments build: @Sendable (inout LuaArguments) -> Void,
        checkedBy check: @Sendable (TapeValue) throws(HookResults.Bad) -> Checked
    ) throws(PluginError) -> Checked {
        let seed = Partition.fnv1a(seed)
        let outcome = state.withLock { state -> Outcome<Checked> in
            let clock = ContinuousClock()
            let start = state.profile == nil ? nil : clock.now
            let outcome: Outcome<Checked>
            do throws(LuaError) {
                // Checked here, under the lock: the runtime's next call reuses the results tape.
                let value = try state.runtime.callInPlace(hook.function, seed: seed, arguments: build)
                do throws(HookResults.Bad) {
                    outcome = .checked(try check(value))
                } catch {
                    outcome = .bad(error, hook: 0)
                }
            } catch {
                outcome = .failed(error)
            }
            if let start {
                let elapsed = clock.now - start
                let failed = if case .checked = outcome { false } else { true }
                state.profile?[hook, default: HookProfile(plugin: manifests[hook.plugin].name, hook: hook.path)]
                    .record(instructions: state.runtime.lastInstructionCount, duration: elapsed, failed: failed)
            }
            return outcome
        }
        switch outcome {
        case .checked(let answer): return answer
        case .bad(let bad, _): throw error(bad, of: hook)
        case .failed(let failure): throw error(failure, of: hook)
        }
    }

    /// Calls several hooks with the same arguments in one step into Lua (each with tables, a
    /// budget and a seed of its own, as separate calls would) and checks each result with
    /// `check`. When profiling, the hooks are called one by one, so each one's cost is its own.
    func callEach<Checked: Sendable>(
        _ hooks: [Hook], seed: String, arguments build: @Sendable (inout LuaArguments) -> Void,
        checkedBy check: @Sendable (TapeValue) throws(HookResults.Bad) -> Checked
    ) throws(PluginError) -> [Checked] {
        if profiling || hooks.count == 1 {
            var answers: [Checked] = []
            for hook in hooks { answers.append(try call(hook, seed: seed, arguments: build, checkedBy: check)) }
            return answers
        }
        let numericSeed = Partition.fnv1a(seed)
        let outcome = state.withLock { state -> Outcome<[Checked]> in
            let values: [TapeValue]
            do throws(LuaError) {
                values = try state.runtime.callEachInPlace(hooks.map(\.function), seed: numericSeed, arguments: build)
            } catch {
                return .failed(error)
            }
            var answers: [Checked] = []
            answers.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                do throws(HookResults.Bad) {
                    answers.append(try check(value))
                } catch {
                    return .bad(error, hook: index)
                }
            }
            return .checked(answers)
        }
        switch outcome {
        case .checked(let answers):
            return answers
        case .bad(let bad, let index):
            throw error(bad, of: hooks[index])
        case .failed(let failure):
            throw error(failure, of: hooks.first { $0.path == failure.function } ?? hooks[0])
        }
    }

    /// The error for a bad result of `hook`: the plugin, the hook and the field.
    private func error(_ bad: HookResults.Bad, of hook: Hook) -> PluginError {
        let manifest = manifests[hook.plugin]
        return PluginError(code: .badResult, file: manifest.file, plugin: manifest.name, hook: hook.path, field: bad.field,
                           message: bad.message, hint: bad.hint)
    }

    /// The error for a failed call of `hook` (a Lua error, a budget stop): the plugin and the hook.
    private func error(_ failure: LuaError, of hook: Hook) -> PluginError {
        PluginError(failure, code: .hookFailed, plugin: manifests[hook.plugin].name, hook: hook.path)
    }

    /// What each hook has cost so far (empty unless profiling was asked for).
    var profile: [HookProfile] {
        state.withLock { state in
            (state.profile ?? [:]).values.sorted { ($0.plugin, $0.hook) < ($1.plugin, $1.hook) }
        }
    }

    /// Bytes the runtime holds.
    var memoryInUse: Int { state.withLock { $0.runtime.memoryInUse } }
}

/// What one hook of one plugin has cost: calls, instructions and time.
public struct HookProfile: Sendable, Hashable {
    /// The plugin's name.
    public var plugin: String
    /// The hook ("earn", "segments.at_risk").
    public var hook: String
    /// Calls made.
    public var calls = 0
    /// Calls that failed (an error, a budget stop).
    public var failures = 0
    /// VM instructions over all calls (to the nearest ``LuaLimits/checkInterval``; every one
    /// when profiling).
    public var instructions: Int64 = 0
    /// The most instructions one call ran.
    public var maximumInstructions: Int64 = 0
    /// Wall-clock time over all calls, arguments and results included.
    public var duration: Duration = .zero

    public init(plugin: String, hook: String) {
        self.plugin = plugin
        self.hook = hook
    }

    /// Adds another profile of the same hook (from another run or rule set).
    public mutating func add(_ other: HookProfile) {
        calls += other.calls
        failures += other.failures
        instructions += other.instructions
        maximumInstructions = max(maximumInstructions, other.maximumInstructions)
        duration += other.duration
    }

    mutating func record(instructions: Int64, duration: Duration, failed: Bool) {
        calls += 1
        if failed { failures += 1 }
        self.instructions += instructions
        maximumInstructions = max(maximumInstructions, instructions)
        self.duration += duration
    }
}
