/// Campaign actions pass the guardrails of ``CampaignPolicy`` (opt-out, one action per cause,
/// quiet days after an order, a frequency cap) and the holdout before they reach the outbox.
/// Actions sent or held out are kept in the customer's campaign history; refused ones are
/// listed in the event's decisions.
extension Engine {
    mutating func propose(
        _ request: CampaignRequest, trigger: String, for position: Int, view: CustomerView, event: Event, on day: Day,
        into decisions: inout Decisions
    ) throws(EngineError) {
        let policy = program.campaigns
        let cause = request.cause ?? "event:\(event.id)"
        let history = customerStates[position].campaigns
        let outcome: CampaignRecord.Outcome
        if view.tags.contains(policy.optOutMarker) || view.attributes[policy.optOutMarker] == .boolean(true) {
            outcome = .optedOut
        } else if history.contains(where: { $0.counts && $0.campaign == request.campaign && $0.cause == cause }) {
            outcome = .duplicate
        } else if policy.quietDaysAfterPurchase > 0, let last = view.lastOrderDay, day - last < policy.quietDaysAfterPurchase {
            outcome = .quietPeriod
        } else if let cap = policy.maxActionsPerWindow,
            history.filter({ $0.counts && day - $0.day < policy.windowDays }).count >= cap
        {
            outcome = .frequencyCap
        } else if policy.isHeldOut(view.id, from: request.campaign) {
            outcome = .heldOut
        } else {
            outcome = .sent
        }
        let action = CampaignAction(
            customerID: view.id, campaign: request.campaign, trigger: trigger, reason: request.reason, eventType: event.type, day: day)
        if outcome == .sent {
            decisions.campaignActions.append(action)
            if request.compensationPoints > 0 {
                try compensate(request, cause: cause, trigger: trigger, at: position, event: event, on: day, into: &decisions)
            }
        } else {
            decisions.withheldActions.append(WithheldAction(action: action, outcome: outcome))
        }
        // The history keeps what counts (sent and held out); a refusal is in the decisions only,
        // so a trigger asked on every clock event does not grow it.
        if outcome == .sent || outcome == .heldOut {
            modify(at: position) {
                $0.campaigns.append(CampaignRecord(campaign: request.campaign, trigger: trigger, cause: cause, day: day, outcome: outcome))
            }
        }
    }

    /// Awards a sent action's compensation, once per campaign and cause.
    private mutating func compensate(
        _ request: CampaignRequest, cause: String, trigger: String, at position: Int, event: Event, on day: Day,
        into decisions: inout Decisions
    ) throws(EngineError) {
        let source = LedgerSource(eventID: event.id, rule: trigger, reason: "compensation: \(request.campaign.split(separator: "_").joined(separator: " "))")
        var failure: LedgerError?
        var entries: [LedgerEntry] = []
        modify(at: position) { state in
            do throws(LedgerError) {
                entries = try state.account.earn(
                    key: "compensation:\(request.campaign):\(cause)", points: Points(request.compensationPoints), on: day, source: source
                ).entries
            } catch {
                failure = error
            }
        }
        if let failure { throw EngineError(.ledger, eventID: event.id, message: "compensation for \(request.campaign): \(failure.message)") }
        decisions.entries += entries.map { CustomerEntry(customerID: customerStates[position].profile.id, entry: $0) }
    }

    /// A `clock` event: the triggers that ask about every customer (``CampaignTrigger/asksOnClock``).
    mutating func runClockTriggers(_ event: Event, on day: Day, into decisions: inout Decisions) throws(EngineError) {
        let clockTriggers = rules.triggers.filter(\.asksOnClock)
        guard !clockTriggers.isEmpty else { return }
        for position in customerStates.indices where customerStates[position].mergedInto == nil {
            let view = customerView(at: position, on: day)
            for trigger in clockTriggers {
                let requests: [CampaignRequest]
                do {
                    requests = try trigger.actions(for: event, customer: view)
                } catch {
                    throw EngineError(
                        .rule, eventID: event.id, message: "trigger \(trigger.name) failed on clock for customer \(view.id): \(error)",
                        rule: error.ruleName(or: trigger.name))
                }
                for request in requests {
                    try propose(request, trigger: trigger.name, for: position, view: view, event: event, on: day, into: &decisions)
                }
            }
        }
    }
}
