/// Segments and campaign triggers: asked after the event's ledger and tier decisions, so they
/// see the customer as the event left them.
extension Engine {
    /// Asks every segment definition about the customer on `day`; joins and leaves are decisions.
    /// Returns the view asked, with the segments the customer is in now. `known` is the view as
    /// the state is now on `day`, when the caller has it.
    @discardableResult
    mutating func evaluateSegments(
        _ position: Int, on day: Day, cause: Event, into decisions: inout Decisions, known: CustomerView? = nil
    ) throws(EngineError) -> CustomerView? {
        guard rules.hasSegments, customerStates[position].mergedInto == nil else { return nil }
        #if DEBUG
        if let known { assert(known == customerView(at: position, on: day), "a view kept for segments went out of date") }
        #endif
        var view = known ?? customerView(at: position, on: day)
        var members: [String] = []
        for segment in rules.segments {
            let member: Bool
            do {
                member = try segment.contains(view)
            } catch {
                throw EngineError(.rule, eventID: cause.id, message: "segment \(segment.name) failed for customer \(view.id): \(error)", rule: error.ruleName(or: segment.name))
            }
            if member { members.append(segment.name) }
        }
        for group in rules.segmentGroups {
            let answers: [Bool]
            do {
                answers = try group.memberships(of: view)
            } catch let failure as SegmentFailure {
                throw EngineError(.rule, eventID: cause.id, message: "segment \(failure.segment) failed for customer \(view.id): \(failure.error)",
                                  rule: failure.error.ruleName(or: failure.segment))
            } catch {
                throw EngineError(
                    .rule, eventID: cause.id, message: "segments \(group.names.joined(separator: ", ")) failed for customer \(view.id): \(error)",
                    rule: error.ruleName(or: group.names[0]))
            }
            guard answers.count == group.names.count else {
                throw EngineError(
                    .rule, eventID: cause.id,
                    message: "segments \(group.names.joined(separator: ", ")) gave \(answers.count) answers for \(group.names.count) segments for customer \(view.id) (a SegmentGroup answers once per name, in the order of its names)",
                    rule: group.names[0])
            }
            for (name, member) in zip(group.names, answers) where member { members.append(name) }
        }
        members.sort()
        guard members != view.segments else { return view }
        let before = Set(view.segments)
        let after = Set(members)
        for name in members where !before.contains(name) {
            decisions.segmentChanges.append(SegmentChange(customerID: view.id, segment: name, joined: true, day: day))
        }
        for name in view.segments where !after.contains(name) {
            decisions.segmentChanges.append(SegmentChange(customerID: view.id, segment: name, joined: false, day: day))
        }
        // Customers in the same segments share one list: there are few combinations and many
        // customers, and each list of their own would be a heap block per customer.
        let shared = segmentLists.insert(members).memberAfterInsert
        modify(at: position) { $0.segments = shared }
        view.segments = shared
        return view
    }

    /// A `clock` event: membership can change with time alone, so every customer is asked.
    mutating func evaluateAllSegments(on day: Day, cause: Event, into decisions: inout Decisions) throws(EngineError) {
        guard rules.hasSegments else { return }
        for position in customerStates.indices where customerStates[position].mergedInto == nil {
            try evaluateSegments(position, on: max(day, customerStates[position].reviewedThrough), cause: cause, into: &decisions)
        }
    }

    /// Asks every campaign trigger about `event` for the customer; the actions are decisions.
    /// `view` is the customer as they are now on `day`, when the caller has it.
    mutating func runTriggers(
        _ event: Event, for position: Int, on day: Day, cause: Event, into decisions: inout Decisions, view: CustomerView? = nil
    ) throws(EngineError) {
        guard !rules.triggers.isEmpty else { return }
        let view = view ?? customerView(at: position, on: day)
        for trigger in rules.triggers {
            let requests: [CampaignRequest]
            do {
                requests = try trigger.actions(for: event, customer: view)
            } catch {
                throw EngineError(
                    .rule, eventID: cause.id, message: "trigger \(trigger.name) failed on \(event.type) for customer \(view.id): \(error)",
                    rule: error.ruleName(or: trigger.name))
            }
            for request in requests {
                try propose(request, trigger: trigger.name, for: position, view: view, event: event, on: day, into: &decisions)
            }
        }
    }
}
