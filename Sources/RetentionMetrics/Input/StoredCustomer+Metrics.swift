import RetentionKit

extension OrderRecord {
    /// An order from a store's customer state. The state keeps the refunded sum, not each
    /// refund's day, so refunds count on the order's own day (which is where the default
    /// ``HygieneRules/refundsToOrderPeriod`` puts them anyway). A closed order (cancelled, or
    /// refunded in full) counts as cancelled. Lines are summed by category, lines without one
    /// under "uncategorised".
    public init(_ stored: StoredOrder) {
        var byCategory: [String: Int64] = [:]
        for line in stored.order.lines { byCategory[line.category ?? "uncategorised", default: 0] += line.amount.minorUnits }
        self.init(
            id: stored.order.id, customerID: stored.order.customerID, day: stored.day, total: stored.order.total,
            isCancelled: stored.isClosed,
            refunds: !stored.isClosed && stored.refunded > 0 ? [Refund(day: stored.day, amount: stored.refunded)] : [],
            channel: stored.order.channel,
            lines: byCategory.keys.sorted().map { Line(category: $0, amount: byCategory[$0] ?? 0) })
    }
}

extension OrderHistory {
    /// The history of a store's customers (``StoredCustomer``, decoded from its records) in one
    /// currency: orders in other currencies are counted in ``HygieneReport`` as skipped, not
    /// refused, since a store may take several.
    ///
    /// Merged profiles add no orders of their own (the survivor holds them). Subscriptions
    /// count as active from their start to their cancellation, pauses included, for
    /// ``CustomerDefinition/activeSubscription``. `isMember` says who
    /// counts as a loyalty member, for ``membershipComparison(from:to:counting:)``; by default
    /// everybody with a ledger entry.
    ///
    /// ```swift
    /// let customers = try store.load().customers.map { try StoredCustomer(decoding: $0) }
    /// let history = try OrderHistory(stored: customers, currency: .usd)
    /// ```
    public init(
        stored customers: [StoredCustomer], currency: Currency, rules: HygieneRules = HygieneRules(), cut: Cut? = nil,
        isMember: (StoredCustomer) -> Bool = { !$0.ledger.isEmpty }
    ) throws(MetricsError) {
        let live = customers.filter { $0.mergedInto == nil }
        let profiles = live.map {
            CustomerDetails(
                id: $0.profile.id, email: $0.profile.email, createdOn: $0.createdOn, segments: Set($0.segments),
                isLoyaltyMember: isMember($0))
        }
        // A subscription counts as active from its start to its cancellation (pauses included).
        let spans = live.flatMap { customer in
            customer.subscriptions.map { subscription in
                var end: Day? = nil
                if case .cancelled(_, _, let on) = subscription.status { end = on }
                return SubscriptionSpan(customerID: customer.profile.id, start: subscription.startedOn, end: end)
            }
        }
        var builder = Builder(currency: currency, customers: profiles, subscriptions: spans, rules: rules, cut: cut)
        for customer in live {
            for order in customer.orders {
                if order.order.currency != currency {
                    builder.skipOtherCurrency()
                    continue
                }
                try builder.append(OrderRecord(order))
            }
        }
        self = builder.build()
    }
}

extension PointsLedger {
    /// The ledgers of a store's customers, merged profiles included (their transfers out
    /// balance the survivors' transfers in).
    public init(stored customers: [StoredCustomer]) {
        self.init(customers.map(\.ledger))
    }
}

extension FeedbackAnswer {
    /// The NPS and CSAT answers of a store's customers (merged profiles' are the survivors').
    public static func answers(of customers: [StoredCustomer]) -> [FeedbackAnswer] {
        customers.filter { $0.mergedInto == nil }.flatMap { customer in
            customer.satisfaction.signals.compactMap { signal -> FeedbackAnswer? in
                switch signal.kind {
                case .nps: FeedbackAnswer(customerID: customer.profile.id, day: signal.day, score: .nps(signal.value), touchpoint: signal.source)
                case .csat: FeedbackAnswer(customerID: customer.profile.id, day: signal.day, score: .csat(signal.value), touchpoint: signal.source)
                case .review, .support, .delivery: nil
                }
            }
        }
    }
}

extension SupportTicket {
    /// The closed support tickets of a store's customers.
    public static func tickets(of customers: [StoredCustomer]) -> [SupportTicket] {
        customers.filter { $0.mergedInto == nil }.flatMap { customer in
            customer.satisfaction.signals.filter { $0.kind == .support }.map {
                SupportTicket(customerID: customer.profile.id, day: $0.day, resolved: $0.isResolved, contacts: $0.value)
            }
        }
    }
}
