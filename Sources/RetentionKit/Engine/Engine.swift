/// Applies events to customers' state and returns the decisions it made.
///
/// The engine is the only writer of state. Time comes from the events (its clock is the latest
/// `at` it has seen; nothing reads the wall clock), so replaying the same events gives the same
/// result. An event id seen before, applied or rejected, is a ``EventOutcome/duplicate`` and
/// changes nothing. An event that fails is ``EventOutcome/rejected(_:)`` whole, with the reason,
/// and the next one goes on. Events for one customer must come in order; events for different
/// customers are independent (see `Documentation/Engine.md` for the exceptions: referrals touch
/// two customers, campaign budgets are shared, `clock` events reach everyone).
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
    public internal(set) var clock: Timestamp?

    var seen: Set<String> = []
    /// Positions of customers changed since the last `takeChangedCustomers()`, for a store to
    /// write; kept only when ``tracksChanges`` is set (by ``StoredEngine``), so an engine
    /// without a store pays nothing for it.
    var changed: Set<Int> = []
    var tracksChanges = false
    /// Customers live in an array behind an id index, so the engine reads and changes them in
    /// place (a dictionary's getter would copy a customer's whole state on every read).
    var customerIndex: [String: Int] = [:]
    var customerStates: [CustomerState] = []
    /// When each customer next has time-driven work due.
    var reviews = ReviewQueue()
    /// Every combination of segments a customer has been in, once: customers' states share
    /// these lists instead of holding copies.
    var segmentLists: Set<[String]> = []
    /// Points each budgeted campaign has awarded.
    var campaignSpent: [String: Int64] = [:]
    /// States as they were before the event being applied changed them, to restore if it fails.
    /// A saved state holds no ledger entries, only how many there were: entries are only ever
    /// appended, so the live ledger's first `entries` are the saved ones, and appending to it
    /// copies nothing (a saved copy sharing the entries would make the first append copy them
    /// all, and dropping the copy release them all).
    private var undo: [(position: Int, state: CustomerState, entries: Int)] = []
    /// Counts events applied; a state saved in ``undo`` during an event carries its number.
    private var serial = 0
    /// Whether the event being applied keeps an undo log: when a rule or tier policy that may
    /// fail runs after the event has changed state, or time-driven work runs before it. Built-in
    /// rules never fail, and the engine checks an event before changing anything, so most
    /// events need none (and so spare copying the customer's state).
    private var undoing = false

    public init(program: Program, rules: RuleSet) {
        self.program = program
        self.rules = rules
    }

    // MARK: - Reading state

    /// The customers the engine knows, by id (merged profiles not included: their ids now
    /// name their survivor).
    public var customerIDs: [String] { customerIndex.keys.filter { merges[$0] == nil } }

    /// The profiles merged into others: merged id to survivor id.
    public internal(set) var merges: [String: String] = [:]

    /// A customer's points on the engine's clock day (what fell due by then has expired).
    public func balance(of customerID: String) -> PointsBalance? {
        guard let position = customerIndex[customerID] else { return nil }
        let account = customerStates[position].account
        let created = customerStates[position].createdOn
        return account.balance(on: max(clock?.day ?? created, account.today ?? created))
    }

    /// A customer's ledger.
    public func account(of customerID: String) -> LoyaltyAccount? { customerIndex[customerID].map { customerStates[$0].account } }

    /// What rules would see of a customer on `day` (the engine's clock day by default).
    public func view(of customerID: String, on day: Day? = nil) -> CustomerView? {
        guard let position = customerIndex[customerID] else { return nil }
        return customerStates[position].view(
            on: day ?? clock?.day ?? customerStates[position].createdOn, program: program)
    }

    // MARK: - Applying events

    /// Applies one event: first what time brought for the customers it touches, then the event,
    /// then a tier review of those customers.
    public mutating func apply(_ event: Event) -> EventOutcome {
        guard seen.insert(event.id).inserted else { return .duplicate }
        let day = event.at.day
        let customerCount = customerStates.count
        let budgets = campaignSpent
        // The log is needed only while the event is applied. A clock pass can save thousands of
        // states, and their copies (and the list's room for them) must not outlive it.
        defer { undo.removeAll(keepingCapacity: undo.capacity <= 64) }
        serial += 1
        do {
            var decisions = Decisions()
            let touched = touchedCustomers(event)
            var isClock = false
            if case .clock = event.payload { isClock = true }
            undoing = rules.mayFail || isClock
            for id in touched where !undoing {
                guard let position = customerIndex[id], let due = customerStates[position].scheduledReview else { continue }
                undoing = due <= day
            }
            for id in touched {
                guard let position = customerIndex[id] else { continue }
                try catchUp(position, through: day, cause: event, into: &decisions)
            }
            decisions.append(try handle(event))
            // At most two customers; after a merge both ids name the survivor, settled once.
            var settled: Int?
            for id in touched {
                guard let position = customerIndex[id], position != settled else { continue }
                let view = try settle(position, on: day, cause: event, into: &decisions)
                try runTriggers(event, for: position, on: day, cause: event, into: &decisions, view: view)
                settled = position
            }
            if isClock {
                try reviewDue(through: day, cause: event, into: &decisions)
                try evaluateAllSegments(on: day, cause: event, into: &decisions)
                try runClockTriggers(event, on: day, into: &decisions)
            }
            if clock.map({ event.at > $0 }) ?? true { clock = event.at }
            return .applied(decisions)
        } catch {
            for (position, saved, entries) in undo.reversed() {
                var state = saved
                state.account.restoreEntries(from: customerStates[position].account, count: entries)
                customerStates[position] = state
                if let due = state.scheduledReview { reviews.push(due, position) }
            }
            while customerStates.count > customerCount {
                customerIndex[customerStates.removeLast().profile.id] = nil
            }
            campaignSpent = budgets
            return .rejected(error)
        }
    }

    /// The customers an event is about: the customer, and for a referral the referee too.
    private func touchedCustomers(_ event: Event) -> [String] {
        switch event.payload {
        case .referralCompleted(let referral): [referral.referrerID, referral.refereeID]
        case .customersMerged(let survivor, let merged): [survivor, merged]
        default: event.customerID.map { [$0] } ?? []
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
            if tracksChanges { changed.insert(customerStates.count) }
            customerStates.appendCompactly(CustomerState(profile: profile, createdOn: day, policy: program.ledger))
            return Decisions()
        case .customerUpdated(let profile):
            try requireCustomer(profile.id, event)
            modify(profile.id) { $0.update(with: profile) }
            return Decisions()
        case .orderPlaced(let order):
            return try placeOrder(order, event: event, day: day)
        case .orderPaid(let reference):
            return try payOrder(reference, event: event, day: day)
        case .orderFulfilled(let reference):
            try requireOrderExists(reference.orderID, of: reference.customerID, event)
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
            let decisions = try earn(for: event, customerID: review.customerID, day: day, awardGroup: .reversible("review:\(review.id)")) { state in
                state.reviewCount += 1
                state.satisfaction.recordReview(rating: review.rating, sku: review.sku, on: day)
            }
            if !decisions.entries.isEmpty { modify(review.customerID) { $0.recordRewardedReview(review.id, sku: review.sku) } }
            return decisions
        case .reviewRemoved(let reviewID, let customerID):
            try requireCustomer(customerID, event, day: day)
            modify(customerID) { $0.removeRewardedReview(reviewID) }
            return reverseGroup(.reversible("review:\(reviewID)"), customerID: customerID, event: event, day: day, reason: "review removed")
        case .referralCompleted(let referral):
            return try acceptReferral(referral, event: event, day: day)
        case .custom(let custom):
            try requireCustomer(custom.customerID, event, day: day)
            return try earn(for: event, customerID: custom.customerID, day: day, awardGroup: .final) { _ in }
        case .customersMerged(let survivorID, let mergedID):
            return try merge(mergedID, into: survivorID, event: event, day: day)
        case .subscriptionStarted(let start):
            return try startSubscription(start, event: event, day: day)
        case .subscriptionChanged(let update):
            return try changeSubscription(update, event: event, day: day)
        case .feedbackReceived(let answer):
            try requireCustomer(answer.customerID, event, day: day)
            if let orderID = answer.orderID { try requireOrderExists(orderID, of: answer.customerID, event) }
            // Rules see the answer counted (a survey reward can read the new score).
            modify(answer.customerID) { $0.satisfaction.record(answer, on: day) }
            return try earn(for: event, customerID: answer.customerID, day: day, awardGroup: .final) { _ in }
        case .supportTicketClosed(let ticket):
            try requireCustomer(ticket.customerID, event, day: day)
            modify(ticket.customerID) { $0.satisfaction.record(ticket, on: day) }
            return try earn(for: event, customerID: ticket.customerID, day: day, awardGroup: .final) { _ in }
        case .deliveryDelayed(let delay):
            try requireCustomer(delay.customerID, event, day: day)
            try requireOrderExists(delay.orderID, of: delay.customerID, event)
            modify(delay.customerID) { $0.satisfaction.record(delay, on: day) }
            return try earn(for: event, customerID: delay.customerID, day: day, awardGroup: .final) { _ in }
        case .clock:
            // Accounts expire what falls due when they are next touched or read; entries are
            // dated by when the points fell due, so the result does not depend on when that is.
            // Birthdays and tier reviews that fell due are applied after this (reviewDue).
            return Decisions()
        case .birthday, .tierChanged:
            throw EngineError(
                .notSupported, eventID: event.id,
                message: "'\(event.type)' events are made by the engine for the rules, not applied from input")
        }
    }

    // MARK: - Changing state

    /// What rules see of the customer at `position` on `day`.
    ///
    /// Mutating only to reach the state where it lies (nothing changes). Read through the
    /// array's subscript, the state would be copied around the call, which the optimizer
    /// cannot see into: close to 900 bytes, and a retain and a release of everything the state
    /// holds. An `inout` access is exclusive, so the state is handed over in place.
    mutating func customerView(at position: Int, on day: Day) -> CustomerView {
        Self.view(of: &customerStates[position], on: day, program: program)
    }

    private static func view(of state: inout CustomerState, on day: Day, program: Program) -> CustomerView {
        state.view(on: day, program: program)
    }

    /// Reads the state at `position` in place, as ``customerView(at:on:)`` does; `body` must
    /// not change it, and cannot reach the engine (it is borrowed exclusively meanwhile).
    mutating func readState<Value>(at position: Int, _ body: (inout CustomerState) -> Value) -> Value {
        body(&customerStates[position])
    }

    /// Changes a known customer's state in place, keeping its state before the event to
    /// restore if the event fails.
    mutating func modify(_ id: String, _ body: (inout CustomerState) -> Void) {
        guard let position = customerIndex[id] else { return }
        modify(at: position, body)
    }

    mutating func modify(at position: Int, _ body: (inout CustomerState) -> Void) {
        if undoing, customerStates[position].savedBy != serial {
            var saved = customerStates[position]
            let entries = saved.account.setEntriesAside()
            undo.append((position, saved, entries))
            customerStates[position].savedBy = serial
        }
        if tracksChanges { changed.insert(position) }
        body(&customerStates[position])
    }

    // MARK: - Checks

    func requireCustomer(_ id: String, _ event: Event, day: Day? = nil) throws(EngineError) {
        guard let position = customerIndex[id] else {
            throw EngineError(.unknownCustomer, eventID: event.id, message: "no customer '\(id)'; send customer_created first")
        }
        if let day, let today = customerStates[position].account.today, day < today {
            throw EngineError(
                .outOfOrder, eventID: event.id,
                message: "dated \(day.iso), before customer \(id)'s latest ledger activity (\(today.iso)); send a customer's events in order, and before clock events that pass them")
        }
    }

    mutating func requireOrder(_ orderID: String, of customerID: String, _ event: Event) throws(EngineError) -> OrderSnapshot {
        try requireCustomer(customerID, event)
        guard let position = customerIndex[customerID], let order = readState(at: position, { $0.snapshot(of: orderID) }) else {
            throw EngineError(.unknownOrder, eventID: event.id, message: "customer \(customerID) has no order \(orderID)")
        }
        return order
    }

    /// Like ``requireOrder(_:of:_:)`` for an event that only needs the order to exist (it is
    /// not unpacked).
    mutating func requireOrderExists(_ orderID: String, of customerID: String, _ event: Event) throws(EngineError) {
        try requireCustomer(customerID, event)
        guard let position = customerIndex[customerID], readState(at: position, { $0.orders.contains(orderID) }) else {
            throw EngineError(.unknownOrder, eventID: event.id, message: "customer \(customerID) has no order \(orderID)")
        }
    }

    mutating func requireOpenOrder(_ orderID: String, of customerID: String, _ event: Event, day: Day) throws(EngineError) -> OrderSnapshot {
        try requireCustomer(customerID, event, day: day)
        let order = try requireOrder(orderID, of: customerID, event)
        guard !order.closed else {
            throw EngineError(.orderClosed, eventID: event.id, message: "order \(orderID) was already cancelled, refunded or returned in full")
        }
        return order
    }
}
