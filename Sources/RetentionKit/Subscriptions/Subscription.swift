/// A customer's subscription and the state machine that moves it: active, paused, past due
/// (a payment failed) or cancelled. A change the state does not allow is refused with a
/// ``SubscriptionError`` and changes nothing.
///
/// ```swift
/// var box = Subscription(id: "sub-7", customerID: "c-42", plan: "coffee-monthly",
///                        interval: try SubscriptionInterval(count: 1, unit: .month), bundle: bundle, startedOn: day)
/// try box.renew(orderID: "o-100", on: day + 31)
/// try box.pause(until: nil, on: day + 40)
/// try box.renew(orderID: "o-101", on: day + 62)   // refused: paused; resume it first
/// ```
public struct Subscription: Hashable, Sendable, Codable {
    /// Where a subscription stands.
    public enum Status: Hashable, Sendable, Codable {
        /// Renewing every interval.
        case active
        /// Not renewing until `until` (nil: until resumed).
        case paused(until: Day?)
        /// A payment failed `failures` times in a row; a renewal clears it.
        case pastDue(failures: Int)
        /// Ended, for `reason`; involuntary when payments failed.
        case cancelled(reason: String, voluntary: Bool, on: Day)

        /// "active", "paused", "past_due" or "cancelled".
        public var name: String {
            switch self {
            case .active: "active"
            case .paused: "paused"
            case .pastDue: "past_due"
            case .cancelled: "cancelled"
            }
        }
    }

    /// What happened in one cycle.
    public enum Cycle: Hashable, Sendable, Codable {
        case renewed(orderID: String, on: Day)
        case skipped(on: Day)
    }

    /// The subscription's id.
    public let id: String
    /// The customer's id.
    public let customerID: String
    /// The merchant's plan name.
    public private(set) var plan: String
    /// How often it renews.
    public private(set) var interval: SubscriptionInterval
    /// What each cycle delivers, and its price.
    public private(set) var bundle: SubscriptionBundle
    /// The day it started.
    public let startedOn: Day
    /// Where it stands.
    public private(set) var status: Status
    /// The day the next renewal is due (meaningless once cancelled).
    public private(set) var nextRenewal: Day
    /// Renewals and skips, oldest first.
    public private(set) var cycles: [Cycle] = []
    /// Renewals since the last skip, pause or cancellation.
    public private(set) var consecutiveRenewals = 0

    public init(id: String, customerID: String, plan: String, interval: SubscriptionInterval, bundle: SubscriptionBundle, startedOn: Day) {
        self.id = id
        self.customerID = customerID
        self.plan = plan
        self.interval = interval
        self.bundle = bundle
        self.startedOn = startedOn
        status = .active
        nextRenewal = interval.next(after: startedOn)
    }

    /// Renewals so far.
    public var renewals: Int { cycles.reduce(0) { if case .renewed = $1 { $0 + 1 } else { $0 } } }

    /// Skips among the last `count` cycles.
    public func skips(inLast count: Int) -> Int {
        cycles.suffix(max(0, count)).reduce(0) { if case .skipped = $1 { $0 + 1 } else { $0 } }
    }

    /// Whether it is active or past due on `day` (a pause that ran out counts as active).
    public func isLive(on day: Day) -> Bool {
        switch status {
        case .active, .pastDue: true
        case .paused(let until): until.map { day > $0 } ?? false
        case .cancelled: false
        }
    }

    /// Days from the start to `day`, or to the cancellation.
    public func tenureDays(on day: Day) -> Int {
        if case .cancelled(_, _, let ended) = status { return max(0, ended - startedOn) }
        return max(0, day - startedOn)
    }

    // MARK: - Transitions

    /// A pause whose end day has passed ends by itself: the subscription is active again and
    /// renews an interval after the pause ended.
    public mutating func catchUp(to day: Day) {
        if case .paused(let until?) = status, day > until {
            status = .active
            nextRenewal = interval.next(after: until)
        }
    }

    /// A cycle was paid and its order placed. Clears a past-due state.
    public mutating func renew(orderID: String, on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        switch status {
        case .active, .pastDue: break
        case .paused: throw refusal("is paused; send subscription_resumed before renewing it")
        case .cancelled: throw refusal("was cancelled; a cancelled subscription cannot renew (start a new one)")
        }
        if cycles.contains(where: { if case .renewed(orderID, _) = $0 { true } else { false } }) {
            throw refusal("was already renewed with order \(orderID); each cycle has its own order")
        }
        cycles.append(.renewed(orderID: orderID, on: day))
        consecutiveRenewals += 1
        status = .active
        nextRenewal = interval.next(after: max(day, nextRenewal))
    }

    /// The customer paused it, until a day or until resumed.
    public mutating func pause(until: Day?, on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        switch status {
        case .active: break
        case .paused: throw refusal("is already paused")
        case .pastDue: throw refusal("is past due; a payment must succeed (subscription_renewed) or it must be cancelled before it can pause")
        case .cancelled: throw refusal("was cancelled; it cannot pause")
        }
        if let until, until < day {
            throw refusal("cannot pause until \(until.iso), before the pause starts (\(day.iso)); give a later day or none")
        }
        status = .paused(until: until)
        consecutiveRenewals = 0
    }

    /// The customer resumed a paused subscription; it renews an interval from today.
    public mutating func resume(on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        guard case .paused = status else {
            throw refusal("is \(status.name.replacingUnderscores), not paused; only a paused subscription resumes")
        }
        status = .active
        nextRenewal = interval.next(after: day)
    }

    /// The customer skipped the next cycle.
    public mutating func skip(on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        guard case .active = status else {
            throw refusal("is \(status.name.replacingUnderscores); only an active subscription skips a cycle")
        }
        cycles.append(.skipped(on: day))
        consecutiveRenewals = 0
        nextRenewal = interval.next(after: nextRenewal)
    }

    /// The customer changed what each cycle delivers.
    public mutating func swap(to bundle: SubscriptionBundle, plan: String?, on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        if case .cancelled = status { throw refusal("was cancelled; its items cannot change") }
        self.bundle = bundle
        if let plan { self.plan = plan }
    }

    /// The customer changed how often it renews; the next renewal moves to an interval after
    /// the last one (or the start).
    public mutating func changeInterval(to interval: SubscriptionInterval, on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        if case .cancelled = status { throw refusal("was cancelled; its interval cannot change") }
        self.interval = interval
        let last = cycles.last.map { cycle -> Day in
            switch cycle {
            case .renewed(_, let on), .skipped(let on): on
            }
        } ?? startedOn
        nextRenewal = max(day, interval.next(after: last))
    }

    /// A payment failed. Returns true when this failure cancelled the subscription, as
    /// involuntary churn, because it was the `cancelAfter`-th in a row.
    @discardableResult
    public mutating func paymentFailed(on day: Day, cancelAfter: Int) throws(SubscriptionError) -> Bool {
        catchUp(to: day)
        let failures: Int
        switch status {
        case .active: failures = 1
        case .pastDue(let earlier): failures = earlier + 1
        case .paused: throw refusal("is paused; no payment is due while paused")
        case .cancelled: throw refusal("was cancelled; no payment is due")
        }
        if failures >= cancelAfter {
            status = .cancelled(reason: "payment failed \(failures) time\(failures == 1 ? "" : "s") in a row", voluntary: false, on: day)
            consecutiveRenewals = 0
            return true
        }
        status = .pastDue(failures: failures)
        return false
    }

    /// The subscription ended: `voluntary` when the customer chose it, involuntary otherwise.
    public mutating func cancel(reason: String, voluntary: Bool, on day: Day) throws(SubscriptionError) {
        catchUp(to: day)
        if case .cancelled(let earlier, _, let on) = status {
            throw refusal("was already cancelled on \(on.iso) (\(earlier))")
        }
        status = .cancelled(reason: reason, voluntary: voluntary, on: day)
        consecutiveRenewals = 0
    }

    private func refusal(_ message: String) -> SubscriptionError {
        SubscriptionError(.invalidTransition, subscriptionID: id, message: "it " + message)
    }
}

extension String {
    fileprivate var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
