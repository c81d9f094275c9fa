/// Merging two profiles of one person: the survivor keeps both histories and balances, and the
/// merged id names the survivor from then on.
extension Engine {
    mutating func merge(_ mergedID: String, into survivorID: String, event: Event, day: Day) throws(EngineError) -> Decisions {
        func refuse(_ message: String) -> EngineError { EngineError(.invalidMerge, eventID: event.id, message: message) }
        if let earlier = merges[mergedID] { throw refuse("customer \(mergedID) was merged into \(earlier) before") }
        if let earlier = merges[survivorID] {
            throw refuse("customer \(survivorID) was merged into \(earlier); merge into \(earlier) instead")
        }
        guard survivorID != mergedID else { throw refuse("customer \(survivorID) cannot be merged into themselves") }
        try requireCustomer(survivorID, event, day: day)
        try requireCustomer(mergedID, event, day: day)
        guard let survivor = customerIndex[survivorID], let merged = customerIndex[mergedID] else {
            preconditionFailure("both customers were checked above")
        }
        let old = customerStates[merged]
        if let clash = old.orders.ids.sorted().first(where: { customerStates[survivor].orders.contains($0) }) {
            throw refuse("customers \(survivorID) and \(mergedID) both have an order \(clash); order ids must differ to merge")
        }
        // Both ledger operations are tried on copies first, so a refusal changes nothing.
        var closing = old.account
        var receiving = customerStates[survivor].account
        let key = "merge:\(event.id)"
        let outcome: LedgerOutcome
        do throws(LedgerError) {
            let transfer = try closing.transferOut(key: key, on: day, source: LedgerSource(eventID: event.id, reason: "merged into \(survivorID)"))
            outcome = try receiving.transferIn(key: key, transfer, on: day, source: LedgerSource(eventID: event.id, reason: "merged from \(mergedID)"))
        } catch {
            throw EngineError(.ledger, eventID: event.id, message: "merging \(mergedID) into \(survivorID): \(error.message)")
        }
        modify(at: merged) { state in
            state.account = closing
            state.mergedInto = survivorID
            state.scheduledReview = nil
        }
        modify(at: survivor) { state in
            state.account = receiving
            state.absorb(old)
        }
        customerIndex[mergedID] = survivor
        merges[mergedID] = survivorID
        var decisions = Decisions(notes: ["customer \(mergedID) merged into \(survivorID); events naming \(mergedID) now apply to \(survivorID)"])
        decisions.entries = closing.entries[old.account.entries.count...].map { CustomerEntry(customerID: mergedID, entry: $0) }
            + outcome.entries.map { CustomerEntry(customerID: survivorID, entry: $0) }
        return decisions
    }

    /// The ledger of a profile merged into another, as it was closed (its id now names the
    /// survivor, whose ``account(of:)`` holds both histories' points).
    public func closedAccount(ofMerged customerID: String) -> LoyaltyAccount? {
        guard merges[customerID] != nil else { return nil }
        return customerStates.first { $0.profile.id == customerID && $0.mergedInto != nil }?.account
    }
}
