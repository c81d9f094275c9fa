/// Taking the engine's state out for a store, and putting stored state back.
extension Engine {
    /// The engine-wide state a store keeps besides customers and the clock.
    struct Shared: Codable, Equatable {
        var campaignSpent: [String: Int64]
        var merges: [String: String]
    }

    var shared: Shared { Shared(campaignSpent: campaignSpent, merges: merges) }

    /// Moves the clock forward to a stored one (never back).
    mutating func restore(clock stored: Timestamp?) {
        if let stored, clock.map({ stored > $0 }) ?? true { clock = stored }
    }

    /// The records of customers changed since the last call, versions 0 (the caller knows
    /// which version each was read at).
    mutating func takeChangedCustomers() throws(StoreError) -> [CustomerRecord] {
        defer { changed.removeAll(keepingCapacity: true) }
        return try changed.sorted().filter { $0 < customerStates.count }.map { (position) throws(StoreError) in
            try record(at: position)
        }
    }

    func record(at position: Int) throws(StoreError) -> CustomerRecord {
        let state = customerStates[position]
        let bytes: [UInt8]
        do {
            bytes = try StateCoder.encode(state)
        } catch {
            throw StoreError(.failed, message: "encoding customer \(state.profile.id): \(error)")
        }
        let asOf = state.account.today ?? state.createdOn
        let balance = state.account.balance(on: asOf)
        return CustomerRecord(
            id: state.profile.id, state: bytes, asOf: asOf, available: balance.available.value, pending: balance.pending.value,
            lifetimeEarned: state.account.totals.earned, tier: state.tier, segments: state.segments, mergedInto: state.mergedInto,
            version: 0)
    }

    /// A customer's record as the engine holds it now (the merged profile's own, for a
    /// merged id).
    public func record(of customerID: String) throws(StoreError) -> CustomerRecord? {
        guard let position = ownPosition(of: customerID) else { return nil }
        return try record(at: position)
    }

    /// Puts stored customers in place of what the engine holds for them (or adds them).
    mutating func restore(_ records: [CustomerRecord]) throws(StoreError) {
        for record in records {
            var state: CustomerState
            do {
                state = try StateCoder.decode(CustomerState.self, from: record.state)
            } catch {
                throw StoreError(
                    .corrupt, message: "customer \(record.id)'s stored state cannot be read: \(error)",
                    hint: "restore the database from a backup")
            }
            state.account.adopt(program.ledger)
            state.savedBy = 0
            let position: Int
            if let existing = ownPosition(of: record.id) {
                position = existing
                customerStates[position] = state
            } else {
                position = customerStates.count
                customerStates.append(state)
            }
            if state.mergedInto == nil || customerIndex[record.id] == nil { customerIndex[record.id] = position }
            if let due = state.scheduledReview { reviews.push(due, position) }
        }
        linkMerged()
    }

    /// Puts the stored shared state in place.
    mutating func restore(_ shared: SharedState) throws(StoreError) {
        let decoded: Shared
        do {
            decoded = try StateCoder.decode(Shared.self, from: shared.state)
        } catch {
            throw StoreError(.corrupt, message: "the engine's stored shared state cannot be read: \(error)", hint: "restore the database from a backup")
        }
        campaignSpent = decoded.campaignSpent
        merges = decoded.merges
        linkMerged()
    }

    func encodedShared() throws(StoreError) -> [UInt8] {
        do {
            return try StateCoder.encode(shared)
        } catch {
            throw StoreError(.failed, message: "encoding the engine's shared state: \(error)")
        }
    }

    /// Where a customer's own state is (a merged profile's closed one, for a merged id).
    func ownPosition(of customerID: String) -> Int? {
        guard let position = customerIndex[customerID] else { return nil }
        if customerStates[position].profile.id == customerID { return position }
        return customerStates.firstIndex { $0.profile.id == customerID }
    }

    /// Merged ids name their survivor's state.
    private mutating func linkMerged() {
        for (merged, survivor) in merges {
            guard let position = ownPosition(of: survivor) else { continue }
            customerIndex[merged] = position
        }
    }

    /// Forgets a batch that could not be stored: its events, the customers it created, and
    /// (from `records`) the stored state of those it changed.
    mutating func rollBack(to mark: BatchMark, eventIDs: [String], records: [CustomerRecord]) throws(StoreError) {
        for id in eventIDs { seen.remove(id) }
        while customerStates.count > mark.customerCount {
            let state = customerStates.removeLast()
            if customerIndex[state.profile.id] == customerStates.count { customerIndex[state.profile.id] = nil }
        }
        for (merged, _) in merges where mark.shared.merges[merged] == nil { customerIndex[merged] = nil }
        (clock, campaignSpent, merges) = (mark.clock, mark.shared.campaignSpent, mark.shared.merges)
        changed.removeAll()
        try restore(records)
    }

    /// What a batch may need to return to.
    struct BatchMark {
        var customerCount: Int
        var clock: Timestamp?
        var shared: Shared
    }

    var batchMark: BatchMark { BatchMark(customerCount: customerStates.count, clock: clock, shared: shared) }
}

extension LoyaltyAccount {
    /// Follows the program's current ledger policy (a stored account keeps its entries; what
    /// happens next follows the policy the program has now).
    mutating func adopt(_ policy: LedgerPolicy) { self.policy = policy }
}
