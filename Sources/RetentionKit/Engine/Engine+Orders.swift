/// Orders: placing earns, paying may complete a referral, cancelling, refunding and returning
/// take back what the order earned.
extension Engine {
    mutating func placeOrder(_ order: Order, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(order.customerID, event, day: day)
        guard program.currencies.isEmpty || program.currencies.contains(order.currency) else {
            let accepted = program.currencies.map(\.code).sorted().joined(separator: ", ")
            throw EngineError(
                .currencyNotAccepted, eventID: event.id,
                message: "order \(order.id) is in \(order.currency.code); the program accepts \(accepted)")
        }
        if let position = customerIndex[order.customerID], readState(at: position, { $0.orders.contains(order.id) }) {
            throw EngineError(.orderExists, eventID: event.id, message: "order \(order.id) was placed before (by an earlier event)")
        }
        return try earn(for: event, customerID: order.customerID, day: day, awardGroup: .order(order.id), placing: order) { _ in }
    }

    mutating func payOrder(_ reference: OrderReference, event: Event, day: Day) throws(EngineError) -> Decisions {
        let order = try requireOrder(reference.orderID, of: reference.customerID, event)
        guard let position = customerIndex[reference.customerID], order.record.paidOn == nil
        else { return Decisions(notes: ["order \(reference.orderID) was paid before; nothing changes"]) }
        modify(at: position) { $0.orders.modify(reference.orderID) { $0.paidOn = day } }
        guard !order.closed, let referral = customerStates[position].referral, referral.orderID == reference.orderID,
            !referral.rewarded, !referral.void
        else { return Decisions() }
        return try rewardReferral(of: reference.customerID, cause: event, paidOn: day, day: day)
    }

    mutating func refundOrder(_ refund: OrderRefund, event: Event, day: Day) throws(EngineError) -> Decisions {
        let order = try requireOpenOrder(refund.orderID, of: refund.customerID, event, day: day)
        guard refund.amount.currency == order.record.currency else {
            throw EngineError(
                .invalidRefund, eventID: event.id,
                message: "the refund is in \(refund.amount.currency.code) but order \(order.id) is in \(order.record.currency.code)")
        }
        let left = order.record.total - order.record.refunded
        guard refund.amount.minorUnits <= left else {
            throw EngineError(
                .invalidRefund, eventID: event.id,
                message: "a refund of \(refund.amount) is more than the \(Money(minorUnits: left, currency: order.record.currency)) left to refund on order \(order.id)")
        }
        let customerID = refund.customerID
        if refund.amount.minorUnits == left {
            modify(customerID) { $0.recordRefund(refund.amount.minorUnits, of: order.id) }
            return try closeOrder(order, customerID: customerID, event: event, day: day, reason: "order refunded")
        }
        if let lines = refund.lines {
            let (plan, taken) = try planLineReversal(lines, of: order, event: event)
            modify(customerID) { state in
                state.recordRefund(refund.amount.minorUnits, of: order.id)
                state.recordReturn(taken, of: order.id)
            }
            return applyReversals(plan, group: .order(order.id), customerID: customerID, event: event, day: day, reason: "lines refunded")
        }
        // By amount: every award of the order in proportion, rounded half up.
        let total = order.record.total
        var plan: [(award: Int, points: Int64)] = []
        for (index, award) in order.awards.enumerated() {
            let share = (Int128(award.points) * Int128(refund.amount.minorUnits) * 2 + Int128(total)) / (Int128(total) * 2)
            plan.append((index, min(Int64(share), award.points - award.reversed)))
        }
        modify(customerID) { $0.recordRefund(refund.amount.minorUnits, of: order.id) }
        return applyReversals(plan, group: .order(order.id), customerID: customerID, event: event, day: day, reason: "order partly refunded")
    }

    mutating func reverseLines(
        _ lines: [LineQuantity], of order: OrderSnapshot, customerID: String, event: Event, day: Day, reason: String
    ) throws(EngineError) -> Decisions {
        let (plan, taken) = try planLineReversal(lines, of: order, event: event)
        modify(customerID) { $0.recordReturn(taken, of: order.id) }
        return applyReversals(plan, group: .order(order.id), customerID: customerID, event: event, day: day, reason: reason)
    }

    /// What refunding or returning `lines` takes back from each award of the order, and which
    /// order lines the units belong to. Changes nothing.
    func planLineReversal(
        _ lines: [LineQuantity], of order: OrderSnapshot, event: Event
    ) throws(EngineError) -> (plan: [(award: Int, points: Int64)], taken: [Int: Int64]) {
        // Which line each unit belongs to: the first line of that SKU with units left.
        var remaining = order.record.lines.indices.map { order.record.lines[$0].quantity - order.record.returnedQuantity[$0, default: 0] }
        var taken: [Int: Int64] = [:]
        for line in lines {
            var wanted = line.quantity
            for index in order.record.lines.indices where order.record.lines[index].sku == line.sku && remaining[index] > 0 && wanted > 0 {
                let used = min(wanted, remaining[index])
                remaining[index] -= used
                taken[index, default: 0] += used
                wanted -= used
            }
            guard wanted == 0 else {
                throw EngineError(
                    .invalidRefund, eventID: event.id,
                    message: "order \(order.id) has no \(line.quantity) unit(s) of \(line.sku) left to refund or return")
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
                    let earned = award.perLine[line]
                    let ordered = order.record.lines[line].quantity
                    let before = order.record.returnedQuantity[line, default: 0]
                    // What the line's returned units earned, so that returning every unit takes all of it.
                    sum += earned * (before + quantity) / ordered - earned * before / ordered
                }
                points = min(sum, award.points - award.reversed)
            }
            plan.append((index, points))
        }
        return (plan, taken)
    }

    /// Takes back everything the order earned, and the referral reward it brought its referrer.
    mutating func closeOrder(
        _ order: OrderSnapshot, customerID: String, event: Event, day: Day, reason: String
    ) throws(EngineError) -> Decisions {
        let plan = order.awards.indices.map { ($0, order.awards[$0].points - order.awards[$0].reversed) }
        modify(customerID) { $0.closeOrder(order.id) }
        var decisions = applyReversals(plan, group: .order(order.id), customerID: customerID, event: event, day: day, reason: reason)
        decisions.append(try voidReferral(of: customerID, orderID: order.id, event: event, day: day, reason: reason))
        return decisions
    }
}
