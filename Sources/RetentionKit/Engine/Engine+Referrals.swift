/// Referrals: checked when `referral_completed` arrives, rewarded once the referee's first order
/// is paid (pending until its return window has passed), taken back if that order goes.
extension Engine {
    mutating func acceptReferral(_ referral: Referral, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(referral.referrerID, event, day: day)
        try requireCustomer(referral.refereeID, event, day: day)
        func refuse(_ message: String) -> EngineError { EngineError(.referralRefused, eventID: event.id, message: message) }
        guard referral.referrerID != referral.refereeID else {
            throw refuse("customer \(referral.referrerID) cannot refer themselves")
        }
        guard let referrer = customerIndex[referral.referrerID], let referee = customerIndex[referral.refereeID] else {
            preconditionFailure("both customers were checked above")
        }
        if let a = customerStates[referrer].profile.email, let b = customerStates[referee].profile.email,
            ReferralPolicy.normalizedEmail(a) == ReferralPolicy.normalizedEmail(b)
        {
            throw refuse("customers \(referral.referrerID) and \(referral.refereeID) share the e-mail address \(ReferralPolicy.normalizedEmail(a)) (compared without case, spaces or +tags); a customer cannot refer themselves")
        }
        if let earlier = customerStates[referee].referral {
            throw refuse("customer \(referral.refereeID) was referred before, by \(earlier.referrerID) (order \(earlier.orderID)); a customer can be referred once")
        }
        guard let order = customerStates[referee].orders[referral.orderID] else {
            throw EngineError(.unknownOrder, eventID: event.id, message: "customer \(referral.refereeID) has no order \(referral.orderID)")
        }
        if let first = customerStates[referee].firstOrderID, first != referral.orderID {
            throw refuse("order \(referral.orderID) is not customer \(referral.refereeID)'s first order (that was \(first)); only a first order completes a referral")
        }
        guard !order.closed else {
            throw refuse("order \(referral.orderID) was cancelled, refunded or returned; it cannot complete a referral")
        }
        if let maximum = program.referrals.maximum {
            let period = program.referrals.periodDays
            let recent = customerStates[referrer].referralDays.filter { $0 > day - period }.count
            guard recent < maximum else {
                throw refuse("customer \(referral.referrerID) has had \(recent) referral(s) accepted in the last \(period) days, the most the program allows (\(maximum))")
            }
        }
        modify(at: referee) { $0.referral = ReferralRecord(
            referrerID: referral.referrerID, orderID: referral.orderID, group: "referral:\(referral.refereeID)", event: event) }
        modify(at: referrer) { $0.referralDays.append(day) }
        guard let paidOn = order.paidOn else {
            return Decisions(notes: ["referral of \(referral.refereeID) by \(referral.referrerID) accepted; the reward waits for order \(referral.orderID) to be paid"])
        }
        return try rewardReferral(of: referral.refereeID, cause: event, paidOn: paidOn, day: day)
    }

    /// Asks the rules about the referee's referral, for the referrer, pending until the order's
    /// return window has passed.
    mutating func rewardReferral(of refereeID: String, cause: Event, paidOn: Day, day: Day) throws(EngineError) -> Decisions {
        guard let referee = customerIndex[refereeID], let referral = customerStates[referee].referral,
            let referrer = customerIndex[referral.referrerID]
        else { return Decisions() }
        var decisions = Decisions()
        // The referrer's own events may be ahead of the referee's: their ledger never goes back.
        let ledgerDay = max(day, customerStates[referrer].account.today ?? day)
        try catchUp(referrer, through: ledgerDay, cause: cause, into: &decisions)
        let pending = max(0, paidOn + program.returnWindowDays - ledgerDay)
        decisions.append(try earn(
            for: referral.event, cause: cause, customerID: referral.referrerID, day: ledgerDay, awardGroup: .reversible(referral.group),
            pendingDays: pending) { _ in })
        modify(at: referee) { $0.referral?.rewarded = true }
        return decisions
    }

    /// The referee's first order went: its referral is not rewarded, or its reward is taken back.
    mutating func voidReferral(of refereeID: String, orderID: String, event: Event, day: Day, reason: String) throws(EngineError) -> Decisions {
        guard let referee = customerIndex[refereeID], let referral = customerStates[referee].referral,
            referral.orderID == orderID, !referral.void, let referrer = customerIndex[referral.referrerID]
        else { return Decisions() }
        modify(at: referee) { $0.referral?.void = true }
        guard referral.rewarded else {
            return Decisions(notes: ["the referral of \(refereeID) by \(referral.referrerID) will not be rewarded: \(reason)"])
        }
        var decisions = Decisions()
        let ledgerDay = max(day, customerStates[referrer].account.today ?? day)
        try catchUp(referrer, through: ledgerDay, cause: event, into: &decisions)
        decisions.append(reverseGroup(
            .reversible(referral.group), customerID: referral.referrerID, event: event, day: ledgerDay,
            reason: "referred customer \(refereeID)'s order \(orderID): \(reason)"))
        return decisions
    }
}
