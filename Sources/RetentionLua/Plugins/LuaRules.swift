import RetentionKit

// The engine's rule protocols, implemented by plugin hooks. Each rule holds the shared
// PluginHost and the hook it calls; a hook's failure or bad result throws a PluginError, which
// the engine reports as the event's rejection (nothing of the event is applied).

/// A plugin's `earn` hook as an ``EarningRule``.
struct LuaEarningRule: EarningRule {
    let name: String
    let version: String
    let priority: Int
    let host: PluginHost
    let hook: PluginHost.Hook
    /// The plugin's `earn_on`: the event types the hook is asked about (all when nil).
    let answers: Set<String>?

    var eventTypes: Set<String>? { answers }

    func awards(for event: Event, customer: CustomerView, program: Program) throws -> RuleDecision {
        // An event the plugin says it does not answer earns nothing, as a call returning nil
        // would (the engine does not ask; this is for callers that ask a rule directly).
        if let answers, !answers.contains(event.type) { return RuleDecision(awards: [], note: LuaPlugins.notAskedNote) }
        let orderLines: Int? = if case .orderPlaced(let order) = event.payload { order.lines.count } else { nil }
        return try host.call(hook, seed: event.id) { arguments in
            arguments.appendEvent(event, program: program)
            host.appendCustomer(customer, to: &arguments)
        } checkedBy: { (result) throws(HookResults.Bad) in
            try HookResults.decision(result, orderLines: orderLines)
        }
    }
}

/// A plugin's `tier` hook as a ``TierPolicy``.
struct LuaTierPolicy: TierPolicy {
    let name: String
    let version: String
    let tiers: [String]
    let multipliers: [String: Int64]
    let host: PluginHost
    let hook: PluginHost.Hook

    func earnMultiplierPercent(for tier: String) -> Int64 { multipliers[tier] ?? 100 }

    func assess(_ customer: CustomerView) throws -> TierAssessment {
        try host.call(hook, seed: customer.id) { arguments in
            host.appendCustomer(customer, to: &arguments)
        } checkedBy: { (result) throws(HookResults.Bad) in
            try HookResults.tier(result, tiers: tiers, policy: name)
        }
    }
}

/// A plugin's `segments` table as a ``SegmentGroup``: one step into Lua per customer for all of them.
struct LuaSegmentGroup: SegmentGroup {
    let names: [String]
    let host: PluginHost
    let hooks: [PluginHost.Hook]

    func memberships(of customer: CustomerView) throws -> [Bool] {
        do {
            return try host.callEach(hooks, seed: customer.id, arguments: { host.appendCustomer(customer, to: &$0) },
                                     checkedBy: HookResults.membership)
        } catch {
            let segment = error.hook.map { String($0.dropFirst("segments.".count)) } ?? names[0]
            throw SegmentFailure(segment: segment, error: error)
        }
    }
}

/// A plugin's `triggers` hook as a ``CampaignTrigger``.
struct LuaCampaignTrigger: CampaignTrigger {
    let name: String
    let host: PluginHost
    let hook: PluginHost.Hook
    /// The plugin's `triggers_on`: the event types the hook is asked about (all when nil).
    let answers: Set<String>?
    /// The plugin's `triggers_on_clock`.
    let asksOnClock: Bool

    func actions(for event: Event, customer: CustomerView) throws -> [CampaignRequest] {
        if let answers, event.type != "clock", !answers.contains(event.type) { return [] }
        let program = host.program
        return try host.call(hook, seed: event.id, arguments: { arguments in
            arguments.appendEvent(event, program: program)
            host.appendCustomer(customer, to: &arguments)
        }, checkedBy: HookResults.campaigns)
    }
}
