/// Earning: asking the rules, applying limits, budgets and tier multipliers, and taking awards
/// back.
extension Engine {
    /// Asks every rule about `event`, then applies the awards (and `update`) to the customer.
    ///
    /// - Parameters:
    ///   - event: what the rules are asked about (an engine-made `birthday` or `tier_changed`
    ///     included); ledger keys derive from its id.
    ///   - cause: the event being applied, which ledger entries name; `event` by default.
    ///   - pendingDays: how long awards stay pending when a rule does not say; the program's
    ///     return window for orders, 0 otherwise, by default.
    ///   - placing: the order the event places, recorded with its awards once they are made
    ///     (the rules see the customer without it; recording it whole at once spares unpacking
    ///     it again to file its awards).
    mutating func earn(
        for event: Event, cause: Event? = nil, customerID: String, day: Day, awardGroup: AwardGroup, pendingDays: Int? = nil,
        placing order: Order? = nil, update: (inout CustomerState) -> Void
    ) throws(EngineError) -> Decisions {
        let causeID = cause?.id ?? event.id
        guard let position = customerIndex[customerID] else {
            throw EngineError(.unknownCustomer, eventID: causeID, message: "no customer '\(customerID)'")
        }
        // The view is built for the first rule asked: many events (surveys, tickets, most
        // subscription changes) concern no rule, and need none.
        var view: CustomerView?
        var decisions = Decisions()
        var planned: [(rule: any EarningRule, award: Award, key: String)] = []
        decisions.explanation.reserveCapacity(rules.earning.count)
        let eventType = event.type
        let asked = rules.earningRulesAsked(about: eventType)
        for (ruleIndex, rule) in rules.earning.enumerated() {
            if !asked[ruleIndex] {
                decisions.explanation.append(RuleOutcome(
                    customerID: customerID, eventType: eventType, rule: rule.name, version: rule.version, awards: [],
                    note: RuleOutcome.notAskedNote))
                continue
            }
            if view == nil { view = customerView(at: position, on: day) }
            let decision: RuleDecision
            do {
                decision = try rule.awards(for: event, customer: view!, program: program)
            } catch {
                throw EngineError(
                    .rule, eventID: causeID,
                    message: "rule \(rule.name) (version \(rule.version)) failed on \(event.type) for customer \(customerID): \(error)",
                    rule: error.ruleName(or: rule.name))
            }
            for (index, award) in decision.awards.enumerated() {
                guard award.points.value > 0 else {
                    throw EngineError(
                        .rule, eventID: causeID,
                        message: "rule \(rule.name) awarded \(award.points.value) points; an award must be positive", rule: rule.name)
                }
                planned.append((rule, award, "\(event.id)/\(rule.name)/\(index)"))
            }
            decisions.explanation.append(RuleOutcome(
                customerID: customerID, eventType: eventType, rule: rule.name, version: rule.version,
                awards: decision.awards, note: decision.note))
        }
        var orderID: String?
        var lineSKUs: [String] = []
        if case .orderPlaced(let order) = event.payload {
            orderID = order.id
            lineSKUs = order.lines.map(\.sku)
        }
        let defaultPending = pendingDays ?? (orderID == nil ? 0 : program.returnWindowDays)
        var limits = remainingLimits(position, day: day, onOrder: orderID != nil)
        let multiplier = orderID == nil ? nil : customerStates[position].tier.flatMap { tier in
            rules.tiers.map { (tier, $0.earnMultiplierPercent(for: tier)) }
        }
        var spent = campaignSpent
        let budgets = program.campaignBudgets
        // The view shares the state's dictionaries and arrays: let it go first, so recording
        // the order changes them in place instead of copying them.
        view = nil
        modify(at: position) { state in
            update(&state)
            var made: [AwardRecord] = []
            for item in planned {
                var award = item.award
                if let (tier, percent) = multiplier, percent != 100, !award.perLine.isEmpty {
                    let multiplied = award.points.value * percent / 100
                    decisions.adjustments.append(AwardAdjustment(
                        customerID: customerID, rule: item.rule.name, reason: award.reason, requested: award.points,
                        granted: Points(multiplied), why: "\(tier) tier earns \(percent)% on order lines"))
                    award = award.resized(to: multiplied)
                }
                let (granted, limit) = limits.take(award.points.value, campaign: award.campaign, spent: spent, budgets: budgets)
                if let limit {
                    decisions.adjustments.append(AwardAdjustment(
                        customerID: customerID, rule: item.rule.name, reason: award.reason, requested: award.points,
                        granted: Points(granted), why: limit))
                    award = award.resized(to: granted)
                }
                guard award.points.value > 0 else { continue }
                let source = LedgerSource(
                    eventID: causeID, rule: item.rule.name, ruleVersion: item.rule.version, orderID: orderID,
                    lines: award.perLine.keys.sorted().map { lineSKUs[$0] }, reason: award.reason)
                let outcome = state.mustApply { (account: inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome in
                    try account.earn(key: item.key, points: award.points, on: day,
                                     pendingDays: award.pendingDays ?? defaultPending, source: source)
                }
                guard case .applied(let entries) = outcome else {
                    decisions.adjustments.append(AwardAdjustment(
                        customerID: customerID, rule: item.rule.name, reason: award.reason, requested: award.points,
                        granted: .zero, why: "awarded before (ledger key \(item.key)); each award is made once"))
                    continue
                }
                if let campaign = award.campaign, budgets[campaign] != nil { spent[campaign, default: 0] += award.points.value }
                decisions.entries += entries.map { CustomerEntry(customerID: customerID, entry: $0) }
                made.append(AwardRecord(key: item.key, points: award.points.value, perLine: LineShares(award.perLine)))
            }
            if let order {
                state.recordOrder(order, on: day, awards: made)
            } else {
                state.recordAwards(made, in: awardGroup)
            }
        }
        if !budgets.isEmpty { campaignSpent = spent }
        return decisions
    }

    /// What the program's limits leave a customer on `day`.
    private func remainingLimits(_ position: Int, day: Day, onOrder: Bool) -> RemainingLimits {
        let limits = program.limits
        return RemainingLimits(
            perOrder: onOrder ? limits.perOrder.map { ($0, "the limit of \($0) points per order") } : nil,
            perDay: limits.perCustomerPerDay.map {
                ($0 - customerStates[position].pointsEarned(on: day), "the limit of \($0) points per customer per day")
            },
            perPeriod: limits.perCustomerPerPeriod.map {
                ($0.points - customerStates[position].pointsEarned(inLast: $0.days, through: day),
                 "the limit of \($0.points) points per customer in \($0.days) days")
            })
    }

    /// Reverses the planned points of a group's awards.
    mutating func applyReversals(
        _ plan: [(award: Int, points: Int64)], group: AwardGroup, customerID: String, event: Event, day: Day, reason: String
    ) -> Decisions {
        var entries: [CustomerEntry] = []
        modify(customerID) { state in
            // Read and written back once: an order's awards are unpacked to be read.
            let awards = state.awards(in: group)
            var reversed: [(award: Int, points: Int64)] = []
            for (index, points) in plan where points > 0 && awards.indices.contains(index) {
                let award = awards[index]
                let source = LedgerSource(eventID: event.id, orderID: group.orderID, reason: reason)
                let outcome = state.mustApply { (account: inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome in
                    try account.reverse(key: "\(event.id)/\(award.key)", award: award.key, points: Points(points), on: day, source: source)
                }
                reversed.append((index, points))
                entries += outcome.entries.map { CustomerEntry(customerID: customerID, entry: $0) }
            }
            state.recordReversals(reversed, in: group)
        }
        return Decisions(entries: entries)
    }

    /// Reverses everything left of a group's awards.
    mutating func reverseGroup(_ group: AwardGroup, customerID: String, event: Event, day: Day, reason: String) -> Decisions {
        let awards = customerIndex[customerID].map { customerStates[$0].awards(in: group) } ?? []
        return applyReversals(awards.indices.map { ($0, awards[$0].points - awards[$0].reversed) },
                              group: group, customerID: customerID, event: event, day: day, reason: reason)
    }
}

/// What the program's limits leave for the awards of one event, as they are granted in turn.
private struct RemainingLimits {
    var perOrder: (left: Int64, name: String)?
    var perDay: (left: Int64, name: String)?
    var perPeriod: (left: Int64, name: String)?

    /// Grants what the limits and the campaign's budget allow of `points`, and names the limit
    /// that cut it, if one did.
    mutating func take(_ points: Int64, campaign: String?, spent: [String: Int64], budgets: [String: Int64]) -> (Int64, String?) {
        var granted = points
        var binding: String?
        func cap(_ left: Int64, _ name: String) {
            if max(0, left) < granted {
                granted = max(0, left)
                binding = name
            }
        }
        if let perOrder { cap(perOrder.left, perOrder.name) }
        if let perDay { cap(perDay.left, perDay.name) }
        if let perPeriod { cap(perPeriod.left, perPeriod.name) }
        if let campaign, let budget = budgets[campaign] {
            cap(budget - spent[campaign, default: 0], "campaign \(campaign)'s budget of \(budget) points")
        }
        perOrder?.left -= granted
        perDay?.left -= granted
        perPeriod?.left -= granted
        return (granted, binding)
    }
}

extension Award {
    /// The award with `points`, its per-line shares scaled to match exactly.
    func resized(to points: Int64) -> Award {
        var award = self
        award.points = Points(points)
        guard !perLine.isEmpty else { return award }
        let lines = perLine.keys.sorted()
        let shares = EarningBase.share(points, by: lines.map { perLine[$0] ?? 0 })
        award.perLine = [:]
        for (line, share) in zip(lines, shares) where share > 0 { award.perLine[line] = share }
        return award
    }
}
