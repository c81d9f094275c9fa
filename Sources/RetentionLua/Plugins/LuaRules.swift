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

    func awards(for event: Event, customer: CustomerView, program: Program) throws -> RuleDecision {
        let result = try host.call(hook, seed: event.id) { arguments in
            arguments.append(EventArgument(event: event, program: program))
            arguments.append(CustomerArgument(view: customer))
        }
        var orderLines: Int?
        if case .orderPlaced(let order) = event.payload { orderLines = order.lines.count }
        do {
            return RuleDecision(awards: try HookResults.awards(result, orderLines: orderLines))
        } catch {
            throw host.badResult(error, hook: hook)
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
        let result = try host.call(hook, seed: customer.id) { arguments in
            arguments.append(CustomerArgument(view: customer))
        }
        do {
            return try HookResults.tier(result, tiers: tiers, policy: name)
        } catch {
            throw host.badResult(error, hook: hook)
        }
    }
}

/// One entry of a plugin's `segments` table as a ``SegmentDefinition``.
struct LuaSegmentDefinition: SegmentDefinition {
    let name: String
    let host: PluginHost
    let hook: PluginHost.Hook

    func contains(_ customer: CustomerView) throws -> Bool {
        let result = try host.call(hook, seed: customer.id) { arguments in
            arguments.append(CustomerArgument(view: customer))
        }
        do {
            return try HookResults.membership(result)
        } catch {
            throw host.badResult(error, hook: hook)
        }
    }
}

/// A plugin's `triggers` hook as a ``CampaignTrigger``.
struct LuaCampaignTrigger: CampaignTrigger {
    let name: String
    let host: PluginHost
    let hook: PluginHost.Hook

    func actions(for event: Event, customer: CustomerView) throws -> [CampaignRequest] {
        let result = try host.call(hook, seed: event.id) { arguments in
            arguments.append(EventArgument(event: event, program: host.program))
            arguments.append(CustomerArgument(view: customer))
        }
        do {
            return try HookResults.campaigns(result)
        } catch {
            throw host.badResult(error, hook: hook)
        }
    }
}
