/// Applies events to customers' state and returns the decisions it made.
///
/// The engine is the only writer of state. Time comes from the events (its clock is the latest
/// `at` it has seen; nothing reads the wall clock), so replaying the same events gives the same
/// result. An event id seen before, applied or rejected, is a ``EventOutcome/duplicate`` and
/// changes nothing. An event that fails is ``EventOutcome/rejected(_:)`` whole, with the reason,
/// and the next one goes on. Events for one customer must come in order; events for different
/// customers are independent.
///
/// ```swift
/// var engine = Engine(program: Program(currencies: [.usd], returnWindowDays: 30),
///                     rules: RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)]))
/// for line in EventLines(data) {
///     guard case .success(let event) = line.result else { continue }
///     switch engine.apply(event) {
///     case .applied(let decisions): print(decisions.entries.map(\.entry.points))
///     case .duplicate: break
///     case .rejected(let error): print(error)
///     }
/// }
/// engine.balance(of: "c-42")
/// ```
public struct Engine: Sendable {
    /// The program's configuration.
    public let program: Program
    /// The rules it runs.
    public let rules: RuleSet
    /// The latest time the engine has seen.
    public private(set) var clock: Timestamp?

    private var seen: Set<String> = []
    /// Customers live in an array behind an id index, so the engine reads and changes them in
    /// place (a dictionary's getter would copy a customer's whole state on every read).
    private var customerIndex: [String: Int] = [:]
    private var customerStates: [CustomerState] = []

    public init(program: Program, rules: RuleSet) {
        self.program = program
        self.rules = rules
    }

    // MARK: - Reading state

    /// The customers the engine knows, by id.
    public var customerIDs: Dictionary<String, Int>.Keys { customerIndex.keys }

    /// A customer's points on the engine's clock day (what fell due by then has expired).
    public func balance(of customerID: String) -> PointsBalance? {
        guard let position = customerIndex[customerID] else { return nil }
        let account = customerStates[position].account
        let created = customerStates[position].createdOn
        return account.balance(on: max(clock?.day ?? created, account.today ?? created))
    }

    /// A customer's ledger.
    public func account(of customerID: String) -> LoyaltyAccount? { customerIndex[customerID].map { customerStates[$0].account } }

    /// What rules would see of a customer on `day`.
    public func view(of customerID: String, on day: Day? = nil) -> CustomerView? {
        guard let position = customerIndex[customerID] else { return nil }
        return customerStates[position].view(on: day ?? clock?.day ?? customerStates[position].createdOn)
    }

    // MARK: - Applying events

    /// Applies one event.
    public mutating func apply(_ event: Event) -> EventOutcome {
        guard seen.insert(event.id).inserted else { return .duplicate }
        do {
            let decisions = try handle(event)
            if clock.map({ event.at > $0 }) ?? true { clock = event.at }
            return .applied(decisions)
        } catch {
            return .rejected(error)
        }
    }

    private mutating func handle(_ event: Event) throws(EngineError) -> Decisions {
        let day = event.at.day
        switch event.payload {
        case .customerCreated(let profile):
            guard customerIndex[profile.id] == nil else {
                throw EngineError(.customerExists, eventID: event.id, message: "customer '\(profile.id)' already exists; send customer_updated to change it")
            }
            customerIndex[profile.id] = customerStates.count
            customerStates.append(CustomerState(profile: profile, createdOn: day, policy: program.ledger))
            return Decisions()
        case .customerUpdated(let profile):
            try requireCustomer(profile.id, event)
            modify(profile.id) { $0.update(with: profile) }
            return Decisions()
        case .orderPlaced(let order):
            return try placeOrder(order, event: event, day: day)
        case .orderPaid(let reference), .orderFulfilled(let reference):
            _ = try requireOrder(reference.orderID, of: reference.customerID, event)
            return Decisions()
        case .orderCancelled(let reference):
            let order = try requireOpenOrder(reference.orderID, of: reference.customerID, event, day: day)
            return try closeOrder(order, customerID: reference.customerID, event: event, day: day, reason: "order cancelled")
        case .orderRefunded(let refund):
            return try refundOrder(refund, event: event, day: day)
        case .orderReturned(let goods):
            let order = try requireOpenOrder(goods.orderID, of: goods.customerID, event, day: day)
            guard let lines = goods.lines else {
                return try closeOrder(order, customerID: goods.customerID, event: event, day: day, reason: "order returned")
            }
            return try reverseLines(lines, of: order, customerID: goods.customerID, event: event, day: day, reason: "goods returned")
        case .pointsRedeemed(let redemption):
            return try redeem(redemption, event: event, day: day)
        case .pointsAdjusted(let customerID, let points, let reason):
            return try adjust(customerID, points: points, reason: reason, event: event, day: day)
        case .reviewPosted(let review):
            try requireCustomer(review.customerID, event, day: day)
            let decisions = try earn(for: event, customerID: review.customerID, day: day, awardGroup: "review:\(review.id)") { state in
                state.reviewCount += 1
            }
            if !decisions.entries.isEmpty { modify(review.customerID) { $0.rewardedReviews[review.id] = review.sku } }
            return decisions
        case .reviewRemoved(let reviewID, let customerID):
            try requireCustomer(customerID, event, day: day)
            modify(customerID) { $0.rewardedReviews[reviewID] = nil }
            return reverseGroup("review:\(reviewID)", customerID: customerID, event: event, day: day, reason: "review removed")
        case .referralCompleted(let referral):
            try requireCustomer(referral.referrerID, event, day: day)
            return try earn(for: event, customerID: referral.referrerID, day: day, awardGroup: "referral:\(referral.refereeID)") { _ in }
        case .custom(let custom):
            try requireCustomer(custom.customerID, event, day: day)
            return try earn(for: event, customerID: custom.customerID, day: day, awardGroup: "custom:\(event.id)") { _ in }
        case .customersMerged:
            throw EngineError(
                .notSupported, eventID: event.id,
                message: "customers_merged is not applied by this version of the engine yet; merge the profiles by hand")
        case .clock:
            // Accounts expire what falls due when they are next touched or read; entries are
            // dated by when the points fell due, so the result does not depend on when that is.
            return Decisions()
        }
    }

    // MARK: - Orders

    private mutating func placeOrder(_ order: Order, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(order.customerID, event, day: day)
        guard program.currencies.isEmpty || program.currencies.contains(order.currency) else {
            let accepted = program.currencies.map(\.code).sorted().joined(separator: ", ")
            throw EngineError(
                .currencyNotAccepted, eventID: event.id,
                message: "order \(order.id) is in \(order.currency.code); the program accepts \(accepted)")
        }
        guard customerIndex[order.customerID].map({ customerStates[$0].orders[order.id] == nil }) ?? true else {
            throw EngineError(.orderExists, eventID: event.id, message: "order \(order.id) was placed before (by an earlier event)")
        }
        return try earn(for: event, customerID: order.customerID, day: day, awardGroup: "order:\(order.id)") { state in
            state.recordOrder(order, on: day)
        }
    }

    private mutating func refundOrder(_ refund: OrderRefund, event: Event, day: Day) throws(EngineError) -> Decisions {
        let order = try requireOpenOrder(refund.orderID, of: refund.customerID, event, day: day)
        guard refund.amount.currency == order.order.currency else {
            throw EngineError(
                .invalidRefund, eventID: event.id,
                message: "the refund is in \(refund.amount.currency.code) but order \(order.order.id) is in \(order.order.currency.code)")
        }
        let left = order.order.total.minorUnits - order.refunded
        guard refund.amount.minorUnits <= left else {
            throw EngineError(
                .invalidRefund, eventID: event.id,
                message: "a refund of \(refund.amount) is more than the \(Money(minorUnits: left, currency: order.order.currency)) left to refund on order \(order.order.id)")
        }
        let customerID = refund.customerID
        if refund.amount.minorUnits == left {
            modify(customerID) { $0.recordRefund(refund.amount.minorUnits, of: order.order.id) }
            return try closeOrder(order, customerID: customerID, event: event, day: day, reason: "order refunded")
        }
        if let lines = refund.lines {
            let (plan, taken) = try planLineReversal(lines, of: order, event: event)
            modify(customerID) { $0.recordRefund(refund.amount.minorUnits, of: order.order.id) }
            modify(customerID) { $0.recordReturn(taken, of: order.order.id) }
            return applyReversals(plan, group: "order:\(order.order.id)", customerID: customerID, event: event, day: day, reason: "lines refunded")
        }
        // By amount: every award of the order in proportion, rounded half up.
        let total = order.order.total.minorUnits
        var plan: [(award: Int, points: Int64)] = []
        for (index, award) in order.awards.enumerated() {
            let share = (Int128(award.points) * Int128(refund.amount.minorUnits) * 2 + Int128(total)) / (Int128(total) * 2)
            plan.append((index, min(Int64(share), award.points - award.reversed)))
        }
        modify(customerID) { $0.recordRefund(refund.amount.minorUnits, of: order.order.id) }
        return applyReversals(plan, group: "order:\(order.order.id)", customerID: customerID, event: event, day: day, reason: "order partly refunded")
    }

    private mutating func reverseLines(
        _ lines: [LineQuantity], of order: OrderSnapshot, customerID: String, event: Event, day: Day, reason: String
    ) throws(EngineError) -> Decisions {
        let (plan, taken) = try planLineReversal(lines, of: order, event: event)
        modify(customerID) { $0.recordReturn(taken, of: order.order.id) }
        return applyReversals(plan, group: "order:\(order.order.id)", customerID: customerID, event: event, day: day, reason: reason)
    }

    /// What refunding or returning `lines` takes back from each award of the order, and which
    /// order lines the units belong to. Changes nothing.
    private func planLineReversal(
        _ lines: [LineQuantity], of order: OrderSnapshot, event: Event
    ) throws(EngineError) -> (plan: [(award: Int, points: Int64)], taken: [Int: Int64]) {
        // Which line each unit belongs to: the first line of that SKU with units left.
        var remaining = order.order.lines.indices.map { order.order.lines[$0].quantity - order.returnedQuantity[$0, default: 0] }
        var taken: [Int: Int64] = [:]
        for line in lines {
            var wanted = line.quantity
            for index in order.order.lines.indices where order.order.lines[index].sku == line.sku && remaining[index] > 0 && wanted > 0 {
                let used = min(wanted, remaining[index])
                remaining[index] -= used
                taken[index, default: 0] += used
                wanted -= used
            }
            guard wanted == 0 else {
                throw EngineError(
                    .invalidRefund, eventID: event.id,
                    message: "order \(order.order.id) has no \(line.quantity) unit(s) of \(line.sku) left to refund or return")
            }
        }
        let everything = remaining.allSatisfy { $0 == 0 }
        var plan: [(award: Int, points: Int64)] = []
        for (index, award) in order.awards.enumerated() {
            let points: Int64
            if everything {
                points = award.points - award.reversed
            } else if award.perLine.isEmpty {
                points = 0  // an award for the whole order goes only when the whole order does
            } else {
                var sum: Int64 = 0
                for (line, quantity) in taken {
                    let earned = award.perLine[line] ?? 0
                    let ordered = order.order.lines[line].quantity
                    let before = order.returnedQuantity[line, default: 0]
                    // What the line's returned units earned, so that returning every unit takes all of it.
                    sum += earned * (before + quantity) / ordered - earned * before / ordered
                }
                points = min(sum, award.points - award.reversed)
            }
            plan.append((index, points))
        }
        return (plan, taken)
    }

    private mutating func closeOrder(
        _ order: OrderSnapshot, customerID: String, event: Event, day: Day, reason: String
    ) throws(EngineError) -> Decisions {
        let plan = order.awards.indices.map { ($0, order.awards[$0].points - order.awards[$0].reversed) }
        modify(customerID) { $0.closeOrder(order.order.id) }
        return applyReversals(plan, group: "order:\(order.order.id)", customerID: customerID, event: event, day: day, reason: reason)
    }

    // MARK: - Points

    private mutating func redeem(_ redemption: Redemption, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(redemption.customerID, event, day: day)
        let source = LedgerSource(eventID: event.id, reason: "reward: \(redemption.reward)")
        return try ledgerStep(redemption.customerID, event: event) { account throws(LedgerError) in
            try account.redeem(key: "redemption:\(redemption.id)", points: redemption.points, on: day, source: source)
        }
    }

    private mutating func adjust(_ customerID: String, points: Points, reason: String, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(customerID, event, day: day)
        let source = LedgerSource(eventID: event.id, reason: reason)
        return try ledgerStep(customerID, event: event) { account throws(LedgerError) in
            try account.adjust(key: event.id, points: points, on: day, source: source)
        }
    }

    /// One ledger operation that validates itself (a refusal changes nothing).
    private mutating func ledgerStep(
        _ customerID: String, event: Event, _ body: (inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome
    ) throws(EngineError) -> Decisions {
        var outcome = LedgerOutcome.duplicate
        var failure: LedgerError?
        modify(customerID) { state in
            do throws(LedgerError) {
                outcome = try body(&state.account)
            } catch {
                failure = error
            }
        }
        if let failure { throw EngineError(.ledger, eventID: event.id, message: failure.message) }
        return Decisions(entries: outcome.entries.map { CustomerEntry(customerID: customerID, entry: $0) })
    }

    // MARK: - Earning

    /// Asks every rule about `event`, then applies the awards (and `update`) to the customer.
    private mutating func earn(
        for event: Event, customerID: String, day: Day, awardGroup: String, update: (inout CustomerState) -> Void
    ) throws(EngineError) -> Decisions {
        guard let view = customerIndex[customerID].map({ customerStates[$0].view(on: day) }) else {
            throw EngineError(.unknownCustomer, eventID: event.id, message: "no customer '\(customerID)'")
        }
        var explanation: [RuleOutcome] = []
        var planned: [(rule: any EarningRule, award: Award, key: String)] = []
        for rule in rules.earning {
            let decision: RuleDecision
            do {
                decision = try rule.awards(for: event, customer: view, program: program)
            } catch {
                throw EngineError(.rule, eventID: event.id, message: "rule \(rule.name) (version \(rule.version)) failed: \(error)")
            }
            for (index, award) in decision.awards.enumerated() {
                guard award.points.value > 0 else {
                    throw EngineError(
                        .rule, eventID: event.id,
                        message: "rule \(rule.name) awarded \(award.points.value) points; an award must be positive")
                }
                planned.append((rule, award, "\(event.id)/\(rule.name)/\(index)"))
            }
            explanation.append(RuleOutcome(rule: rule.name, version: rule.version, awards: decision.awards, note: decision.note))
        }
        var entries: [CustomerEntry] = []
        let orderID: String? = if case .orderPlaced(let order) = event.payload { order.id } else { nil }
        let lineSKUs: [String] = if case .orderPlaced(let order) = event.payload { order.lines.map(\.sku) } else { [] }
        let returnWindow = orderID == nil ? 0 : program.returnWindowDays
        modify(customerID) { state in
            update(&state)
            for item in planned {
                let source = LedgerSource(
                    eventID: event.id, rule: item.rule.name, ruleVersion: item.rule.version, orderID: orderID,
                    lines: item.award.perLine.keys.sorted().map { lineSKUs[$0] }, reason: item.award.reason)
                let outcome = state.mustApply { (account: inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome in
                    try account.earn(key: item.key, points: item.award.points, on: day,
                                     pendingDays: item.award.pendingDays ?? returnWindow, source: source)
                }
                entries += outcome.entries.map { CustomerEntry(customerID: customerID, entry: $0) }
                state.recordAward(AwardRecord(key: item.key, points: item.award.points.value, perLine: item.award.perLine), in: awardGroup)
            }
        }
        return Decisions(entries: entries, explanation: explanation)
    }

    /// Reverses the planned points of a group's awards.
    private mutating func applyReversals(
        _ plan: [(award: Int, points: Int64)], group: String, customerID: String, event: Event, day: Day, reason: String
    ) -> Decisions {
        var entries: [CustomerEntry] = []
        modify(customerID) { state in
            for (index, points) in plan where points > 0 {
                guard let award = state.award(index, in: group) else { continue }
                let source = LedgerSource(eventID: event.id, orderID: group.hasPrefix("order:") ? String(group.dropFirst(6)) : nil, reason: reason)
                let outcome = state.mustApply { (account: inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome in
                    try account.reverse(key: "\(event.id)/\(award.key)", award: award.key, points: Points(points), on: day, source: source)
                }
                state.recordReversal(points, of: index, in: group)
                entries += outcome.entries.map { CustomerEntry(customerID: customerID, entry: $0) }
            }
        }
        return Decisions(entries: entries)
    }

    private mutating func reverseGroup(_ group: String, customerID: String, event: Event, day: Day, reason: String) -> Decisions {
        let awards = customerIndex[customerID].flatMap { customerStates[$0].awards[group] } ?? []
        return applyReversals(awards.indices.map { ($0, awards[$0].points - awards[$0].reversed) },
                              group: group, customerID: customerID, event: event, day: day, reason: reason)
    }

    // MARK: - Checks

    /// Changes a known customer's state in place.
    private mutating func modify(_ id: String, _ body: (inout CustomerState) -> Void) {
        guard let position = customerIndex[id] else { return }
        body(&customerStates[position])
    }

    private func requireCustomer(_ id: String, _ event: Event, day: Day? = nil) throws(EngineError) {
        guard let position = customerIndex[id] else {
            throw EngineError(.unknownCustomer, eventID: event.id, message: "no customer '\(id)'; send customer_created first")
        }
        if let day, let today = customerStates[position].account.today, day < today {
            throw EngineError(
                .outOfOrder, eventID: event.id,
                message: "dated \(day.iso), before customer \(id)'s latest event (\(today.iso)); send a customer's events in order")
        }
    }

    private func requireOrder(_ orderID: String, of customerID: String, _ event: Event) throws(EngineError) -> OrderSnapshot {
        try requireCustomer(customerID, event)
        guard let order = customerIndex[customerID].flatMap({ customerStates[$0].snapshot(of: orderID) }) else {
            throw EngineError(.unknownOrder, eventID: event.id, message: "customer \(customerID) has no order \(orderID)")
        }
        return order
    }

    private func requireOpenOrder(_ orderID: String, of customerID: String, _ event: Event, day: Day) throws(EngineError) -> OrderSnapshot {
        try requireCustomer(customerID, event, day: day)
        let order = try requireOrder(orderID, of: customerID, event)
        guard !order.closed else {
            throw EngineError(.orderClosed, eventID: event.id, message: "order \(orderID) was already cancelled, refunded or returned in full")
        }
        return order
    }
}
