/// What time brings: birthdays and tier reviews, applied when a customer's next event or a
/// `clock` event passes the day they fell due, and dated on that day either way.
extension Engine {
    /// Applies the customer's time-driven work due through `day`, in day order.
    mutating func catchUp(_ position: Int, through day: Day, cause: Event, into decisions: inout Decisions) throws(EngineError) {
        while let next = nextReview(position), next <= day {
            try review(position, on: next, cause: cause, into: &decisions)
        }
    }

    /// After an event: what fell due, then a tier review and segments on the event's day.
    /// Returns the view the segments were asked about, with its segments updated (what the
    /// customer's triggers see next), when there are segments.
    mutating func settle(_ position: Int, on day: Day, cause: Event, into decisions: inout Decisions) throws(EngineError) -> CustomerView? {
        try catchUp(position, through: day, cause: cause, into: &decisions)
        let tierView = try evaluateTier(position, on: day, cause: cause, into: &decisions)
        let view = try evaluateSegments(position, on: day, cause: cause, into: &decisions, known: tierView)
        if customerStates[position].reviewedThrough < day { modify(at: position) { $0.reviewedThrough = day } }
        reschedule(position)
        return view
    }

    /// A `clock` event: every customer with work due through `day`.
    mutating func reviewDue(through day: Day, cause: Event, into decisions: inout Decisions) throws(EngineError) {
        while let top = reviews.first, top.day <= day {
            _ = reviews.popFirst()
            guard top.position < customerStates.count, customerStates[top.position].scheduledReview == top.day else { continue }
            try catchUp(top.position, through: day, cause: cause, into: &decisions)
            reschedule(top.position)
        }
    }

    /// Mutating only to read the state in place (see ``customerView(at:on:)``).
    private mutating func nextReview(_ position: Int) -> Day? {
        let qualification = program.qualification
        let tracksTiers = rules.tiers != nil
        return readState(at: position) { $0.nextReviewDay(qualification: qualification, tracksTiers: tracksTiers) }
    }

    private mutating func reschedule(_ position: Int) {
        let next = nextReview(position)
        guard next != customerStates[position].scheduledReview else { return }
        modify(at: position) { $0.scheduledReview = next }
        if let next { reviews.push(next, position) }
    }

    /// One day's time-driven work for one customer: a birthday, then a tier review.
    private mutating func review(_ position: Int, on day: Day, cause: Event, into decisions: inout Decisions) throws(EngineError) {
        let year = day.civil.year
        if !rules.earning.isEmpty, customerStates[position].birthday(in: year) == day {
            let id = customerStates[position].profile.id
            let today = customerStates[position].account.today
            let birthday = Event(id: "birthday:\(id):\(year)", at: Timestamp(day: day), payload: .birthday(customerID: id, year: year))
            decisions.append(try earn(
                for: birthday, cause: cause, customerID: id, day: max(day, today ?? day), awardGroup: .final) { _ in })
        }
        try evaluateTier(position, on: day, cause: cause, into: &decisions)
        modify(at: position) { $0.reviewedThrough = day }
    }

    // MARK: - Tiers

    /// Asks the tier policy, and moves the customer up at once, or down as the program's
    /// ``TierDowngrade`` says. Returns the view the policy was asked about, brought up to date,
    /// when nothing but the tier's progress and waiting downgrade changed since (so segments
    /// can be asked about it without building it again); nil when the tier changed.
    @discardableResult
    private mutating func evaluateTier(_ position: Int, on day: Day, cause: Event, into decisions: inout Decisions) throws(EngineError) -> CustomerView? {
        guard let policy = rules.tiers else { return nil }
        // Only what is needed is read into locals: a copy of the whole state kept alive across
        // the changes below would make every change copy the containers it touches.
        let id = customerStates[position].profile.id
        let (heldRank, heldTier, waiting, since) =
            (customerStates[position].tierRank, customerStates[position].tier, customerStates[position].downgradeDue,
             customerStates[position].tierSince)
        let assessment: TierAssessment
        var view = customerView(at: position, on: day)
        do {
            assessment = try policy.assess(view)
        } catch {
            throw EngineError(
                .rule, eventID: cause.id, message: "tier policy \(policy.name) (version \(policy.version)) failed for customer \(id): \(error)",
                rule: error.ruleName(or: policy.name))
        }
        let names = policy.tiers
        var rank = -1
        if let tier = assessment.tier {
            guard let index = names.firstIndex(of: tier) else {
                throw EngineError(
                    .rule, eventID: cause.id,
                    message: "tier policy \(policy.name) gave customer \(id) the tier '\(tier)', which is not one of its tiers (\(names.joined(separator: ", ")))",
                    rule: policy.name)
            }
            rank = index
        }
        if customerStates[position].tierProgress != assessment.progress { modify(at: position) { $0.tierProgress = assessment.progress } }
        view.tierProgress = assessment.progress
        if rank == heldRank {
            if waiting != nil {
                modify(at: position) { $0.downgradeDue = nil }
                view.tierDowngradeOn = nil
                decisions.notes.append("customer \(id) qualifies for \(heldTier ?? "no tier") again (\(assessment.reason)); no downgrade")
            }
            return view
        }
        if rank > heldRank {
            try changeTier(position, to: rank, of: names, on: day, reason: assessment.reason, cause: cause, into: &decisions)
            return nil
        }
        let rule = program.tierDowngrade
        let due: Day
        if let waiting {
            due = waiting
        } else {
            switch rule {
            case .immediate: due = day
            case .afterGrace(let days): due = day + max(0, days)
            case .endOfPeriod: due = program.qualification.periodEnd(after: day, heldSince: since ?? day)
            }
        }
        if day >= due {
            let why: String =
                switch rule {
                case .immediate: assessment.reason
                case .afterGrace(let days): "\(assessment.reason); the grace of \(days) days ended"
                case .endOfPeriod: "\(assessment.reason); the tier period ended"
                }
            try changeTier(position, to: rank, of: names, on: day, reason: why, cause: cause, into: &decisions)
            return nil
        } else if waiting == nil {
            modify(at: position) { $0.downgradeDue = due }
            view.tierDowngradeOn = due
            decisions.notes.append(
                "customer \(id) no longer qualifies for \(heldTier ?? "their tier") (\(assessment.reason)); they keep it until \(due.iso) unless they qualify again")
        }
        return view
    }

    private mutating func changeTier(
        _ position: Int, to rank: Int, of names: [String], on day: Day, reason: String, cause: Event, into decisions: inout Decisions
    ) throws(EngineError) {
        let to = rank >= 0 ? names[rank] : nil
        let change = TierChange(
            customerID: customerStates[position].profile.id, from: customerStates[position].tier, to: to,
            isUpgrade: rank > customerStates[position].tierRank, day: day, reason: reason)
        let today = customerStates[position].account.today
        modify(at: position) { state in
            state.tier = to
            state.tierRank = rank
            state.tierSince = day
            state.downgradeDue = nil
        }
        decisions.tierChanges.append(change)
        let event = Event(id: "tier:\(change.customerID):\(to ?? "none")", at: Timestamp(day: day), payload: .tierChanged(change))
        if !rules.earning.isEmpty {
            decisions.append(try earn(
                for: event, cause: cause, customerID: change.customerID, day: max(day, today ?? day),
                awardGroup: .final) { _ in })
        }
        try runTriggers(event, for: position, on: day, cause: cause, into: &decisions)
    }
}
