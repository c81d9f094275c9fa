/// Subscriptions: the state machine of ``Subscription`` applied to a customer's state, and the
/// rules asked about starts and renewals, with the customer view already showing the change
/// (a renewal's streak includes it).
extension Engine {
    mutating func startSubscription(_ start: SubscriptionStart, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(start.customerID, event, day: day)
        if customerIndex[start.customerID].map({ customerStates[$0].subscriptions[start.id] != nil }) ?? false {
            throw EngineError(
                .subscription, eventID: event.id,
                message: "customer \(start.customerID) already has a subscription \(start.id); give a new subscription a new id")
        }
        if !program.currencies.isEmpty && !program.currencies.contains(start.bundle.currency) {
            throw EngineError(
                .currencyNotAccepted, eventID: event.id,
                message: "subscription \(start.id) is priced in \(start.bundle.currency.code), which the program does not accept (accepted: \(program.currencies.map(\.code).sorted().joined(separator: ", ")))")
        }
        let subscription = Subscription(
            id: start.id, customerID: start.customerID, plan: start.plan, interval: start.interval, bundle: start.bundle,
            startedOn: day)
        // Rules see the customer with the new subscription.
        modify(start.customerID) { $0.subscriptions[start.id] = subscription }
        return try earn(for: event, customerID: start.customerID, day: day, awardGroup: .final) { _ in }
    }

    mutating func changeSubscription(_ update: SubscriptionUpdate, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(update.customerID, event, day: day)
        guard var subscription = customerIndex[update.customerID].flatMap({ customerStates[$0].subscriptions[update.subscriptionID] })
        else {
            throw EngineError(
                .subscription, eventID: event.id,
                message: "customer \(update.customerID) has no subscription \(update.subscriptionID); send subscription_started first")
        }
        var notes: [String] = []
        do throws(SubscriptionError) {
            switch update.change {
            case .renewed(let orderID): try subscription.renew(orderID: orderID, on: day)
            case .paused(let until): try subscription.pause(until: until, on: day)
            case .resumed: try subscription.resume(on: day)
            case .skipped: try subscription.skip(on: day)
            case .swapped(let bundle, let plan): try subscription.swap(to: bundle, plan: plan, on: day)
            case .intervalChanged(let interval): try subscription.changeInterval(to: interval, on: day)
            case .paymentFailed:
                let limit = program.subscriptions.cancelAfterFailedPayments
                if try subscription.paymentFailed(on: day, cancelAfter: limit) {
                    notes.append("subscription \(update.subscriptionID) cancelled: payment failed \(limit) times in a row (involuntary churn)")
                }
            case .cancelled(let reason, let voluntary): try subscription.cancel(reason: reason, voluntary: voluntary, on: day)
            }
        } catch {
            throw EngineError(.subscription, eventID: event.id, message: error.description)
        }
        let changed = subscription
        modify(update.customerID) { $0.subscriptions[update.subscriptionID] = changed }
        var decisions = Decisions()
        if case .renewed = update.change {
            // Rules see the customer with this renewal counted (the streak includes it).
            decisions = try earn(
                for: event, customerID: update.customerID, day: day, awardGroup: .final
            ) { _ in }
        }
        decisions.notes += notes
        return decisions
    }
}
