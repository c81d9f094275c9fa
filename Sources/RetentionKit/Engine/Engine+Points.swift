/// Redemptions and manual adjustments: ledger operations no rule is asked about.
extension Engine {
    mutating func redeem(_ redemption: Redemption, event: Event, day: Day) throws(EngineError) -> Decisions {
        try requireCustomer(redemption.customerID, event, day: day)
        let source = LedgerSource(eventID: event.id, reason: "reward: \(redemption.reward)")
        return try ledgerStep(redemption.customerID, event: event) { account throws(LedgerError) in
            try account.redeem(key: "redemption:\(redemption.id)", points: redemption.points, on: day, source: source)
        }
    }

    mutating func adjust(_ customerID: String, points: Points, reason: String, event: Event, day: Day) throws(EngineError) -> Decisions {
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
}
