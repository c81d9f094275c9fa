import RetentionKit

/// Checks what hooks return and turns it into the engine's values, reading each result where
/// it lies on the results tape (no dictionary is built for a result table). Every check names
/// the field in Lua terms ("[2].points") and says what was expected.
enum HookResults {
    /// A result that does not fit the contract.
    struct Bad: Error {
        var field: String?
        var message: String
        var hint: String
    }

    /// The most points one award may carry (a guard against a unit mistake: cents as points).
    static let maximumAwardPoints: Int64 = 100_000_000
    /// The longest a reason may be.
    static let maximumReasonLength = 200

    static let awardFields: [StaticString] = ["points", "reason", "pending_days", "lines", "campaign"]
    static let campaignFields: [StaticString] = ["campaign", "reason", "cause", "compensation_points"]
    static let tierFields: [StaticString] = ["tier", "reason", "progress"]

    /// The first field of `table` (in name order) that `known` does not hold, if any.
    private static func unknownField(in table: TapeTable, known: [StaticString]) -> String? {
        table.names(notIn: known).first
    }

    /// `earn`'s result: a list of awards, nil for none, or a string saying why there are none
    /// (the note `retention-host explain` shows).
    static func decision(_ value: TapeValue, orderLines: Int?) throws(Bad) -> RuleDecision {
        guard case .string(let text) = value else { return RuleDecision(awards: try awards(value, orderLines: orderLines)) }
        let note = text.string
        guard !note.isEmpty, note.count <= maximumReasonLength else {
            throw Bad(field: nil, message: "expected a non-empty note of at most \(maximumReasonLength) characters, got \(describe(value))",
                      hint: "return a short sentence saying why nothing is earned (\"a review of MUG was rewarded already\"), or nil")
        }
        return RuleDecision(awards: [], note: note)
    }

    /// A list of awards (or nil for none).
    private static func awards(_ value: TapeValue, orderLines: Int?) throws(Bad) -> [Award] {
        guard let list = try list(value, what: "a list of awards, nil or a note", example: "return { { points = 10, reason = \"purchase\" } }") else { return [] }
        var awards: [Award] = []
        awards.reserveCapacity(list.arrayCount)
        try list.forEachElement { (index, item) throws(Bad) in
            func place() -> String { "[\(index + 1)]" }
            guard case .table(let table) = item, table.hasOnlyNames else {
                throw Bad(field: place(), message: "expected an award table, got \(describe(item))",
                          hint: "each award is a table: { points = 10, reason = \"purchase\" }")
            }
            if let unknown = unknownField(in: table, known: awardFields) {
                throw Bad(field: "\(place()).\(unknown)", message: "unknown field",
                          hint: "an award may hold \(awardFields.map { "\($0)" }.sorted().joined(separator: ", ")); check the spelling")
            }
            let points = try integer(table.field("points"), field: "\(place()).points", in: 1...maximumAwardPoints,
                                     hint: "award a whole, positive number of points (use // for integer division); leave out awards of 0")
            guard let reason = text(table.field("reason")), !reason.isEmpty, reason.count <= maximumReasonLength else {
                throw Bad(field: "\(place()).reason", message: "expected a non-empty string of at most \(maximumReasonLength) characters, got \(describe(table.field("reason") ?? .nil))",
                          hint: "say why, in words a customer understands: reason = \"purchase\"")
            }
            var pendingDays: Int?
            if let days = table.field("pending_days") {
                pendingDays = Int(try integer(days, field: "\(place()).pending_days", in: 0...3_650,
                                              hint: "give the days the points stay pending, or leave it out for the program's default"))
            }
            var campaign: String?
            if let name = table.field("campaign") {
                guard let text = text(name), !text.isEmpty else {
                    throw Bad(field: "\(place()).campaign", message: "expected a campaign name, got \(describe(name))",
                              hint: "name the campaign whose budget pays for the award")
                }
                campaign = text
            }
            var perLine: [Int: Int64] = [:]
            if let lines = table.field("lines") {
                perLine = try lineShares(lines, field: "\(place()).lines", points: points, orderLines: orderLines)
            }
            awards.append(Award(points: Points(points), reason: reason, pendingDays: pendingDays, perLine: perLine, campaign: campaign))
        }
        return awards
    }

    /// An award's `lines`: the points each order line earned, one entry per line, adding up to
    /// the award.
    private static func lineShares(_ value: TapeValue, field: @autoclosure () -> String, points: Int64, orderLines: Int?) throws(Bad) -> [Int: Int64] {
        guard let orderLines else {
            throw Bad(field: field(), message: "only awards on an order_placed event can split points by line",
                      hint: "leave `lines` out of awards for other events")
        }
        guard case .table(let table) = value, table.fieldCount == 0, table.arrayCount == orderLines else {
            throw Bad(field: field(), message: "expected a list of \(orderLines) integers (one per order line), got \(describe(value))",
                      hint: "give the points each line earned, in the order of event.order.lines (retention.share splits a total)")
        }
        var shares: [Int: Int64] = [:]
        var sum: Int64 = 0
        try table.forEachElement { (index, share) throws(Bad) in
            let points = try integer(share, field: "\(field())[\(index + 1)]", in: 0...maximumAwardPoints,
                                     hint: "each line's share is a whole number of points, 0 or more")
            if points > 0 { shares[index] = points }
            sum += points
        }
        guard sum == points else {
            throw Bad(field: field(), message: "the lines add up to \(sum) points, the award is \(points)",
                      hint: "make the shares add up to `points` (retention.share(points, weights) does)")
        }
        return shares
    }

    /// `tier`'s result: a tier name, nil for none, or { tier = ..., reason = ..., progress = ... }.
    static func tier(_ value: TapeValue, tiers: [String], policy: String) throws(Bad) -> TierAssessment {
        var name: String?
        var reason: String?
        var progress: TierProgress?
        switch value {
        case .nil:
            break
        case .string(let text):
            name = text.string
        case .table(let table) where table.hasOnlyNames:
            if let unknown = unknownField(in: table, known: tierFields) {
                throw Bad(field: unknown, message: "unknown field", hint: "return { tier = \"gold\", reason = \"...\", progress = {...} }")
            }
            switch table.field("tier") ?? .nil {
            case .nil: break
            case .string(let text): name = text.string
            case let other: throw Bad(field: "tier", message: "expected a tier name, got \(describe(other))", hint: "return one of the plugin's `tiers`, or nil")
            }
            switch table.field("reason") ?? .nil {
            case .nil: break
            case .string(let text): reason = text.string
            case let other: throw Bad(field: "reason", message: "expected a string, got \(describe(other))", hint: "say why, in words")
            }
            if let data = table.field("progress") { progress = try tierProgress(data) }
        default:
            throw Bad(field: nil, message: "expected a tier name, nil or a table, got \(describe(value))",
                      hint: "return one of the plugin's `tiers`, or nil for none")
        }
        if let name, !tiers.contains(name) {
            throw Bad(field: nil, message: "'\(name)' is not one of the tiers the plugin lists (\(tiers.joined(separator: ", ")))",
                      hint: "return a name from `tiers`, or add it there")
        }
        guard let reason else { return TierAssessment(tier: name, policySaying: policy, progress: progress) }
        return TierAssessment(tier: name, reason: reason, progress: progress)
    }

    private static func tierProgress(_ value: TapeValue) throws(Bad) -> TierProgress {
        guard case .table(let table) = value else {
            throw Bad(field: "progress", message: "expected a table, got \(describe(value))",
                      hint: "progress = { measure = \"spend\", currency = \"USD\", current = 12000, next_tier = \"gold\", to_next_tier = 3000 }")
        }
        let measure: TierMeasure
        switch text(table.field("measure")) {
        case "spend":
            guard let code = text(table.field("currency")), let currency = try? Currency(code: code) else {
                throw Bad(field: "progress.currency", message: "a spend measure needs a known ISO 4217 currency", hint: "currency = \"USD\"")
            }
            measure = .spend(currency)
        case "points": measure = .pointsEarned
        case "orders": measure = .orders
        default:
            throw Bad(field: "progress.measure", message: "expected \"spend\", \"points\" or \"orders\"", hint: "say what the tiers measure")
        }
        func optional(_ key: StaticString) throws(Bad) -> Int64? {
            guard let value = table.field(key) else { return nil }
            return try integer(value, field: "progress.\(key)", in: Int64.min...Int64.max, hint: "give a whole number")
        }
        guard let current = try optional("current") else {
            throw Bad(field: "progress.current", message: "missing", hint: "give the customer's figure")
        }
        return TierProgress(measure: measure, current: current, nextTier: text(table.field("next_tier")),
                            toNextTier: try optional("to_next_tier"), toKeepTier: try optional("to_keep_tier"))
    }

    /// A segment's result: a boolean.
    static func membership(_ value: TapeValue) throws(Bad) -> Bool {
        guard case .boolean(let member) = value else {
            throw Bad(field: nil, message: "expected true or false, got \(describe(value))",
                      hint: "return a boolean (`return x ~= nil and x > 90`, not `return x`)")
        }
        return member
    }

    /// `triggers`' result: a list of { campaign = ..., reason = ..., cause = ...?, compensation_points = ...? }.
    static func campaigns(_ value: TapeValue) throws(Bad) -> [CampaignRequest] {
        guard let list = try list(value, what: "a list of campaigns", example: "return { { campaign = \"win_back\", reason = \"...\" } }") else { return [] }
        var requests: [CampaignRequest] = []
        try list.forEachElement { (index, item) throws(Bad) in
            func place() -> String { "[\(index + 1)]" }
            guard case .table(let table) = item, table.hasOnlyNames else {
                throw Bad(field: place(), message: "expected a campaign table, got \(describe(item))",
                          hint: "each entry is { campaign = \"win_back\", reason = \"...\" }")
            }
            if let unknown = unknownField(in: table, known: campaignFields) {
                throw Bad(field: "\(place()).\(unknown)", message: "unknown field",
                          hint: "a campaign request holds campaign, reason, and optionally cause and compensation_points")
            }
            guard let campaign = text(table.field("campaign")), !campaign.isEmpty else {
                throw Bad(field: "\(place()).campaign", message: "expected a campaign name, got \(describe(table.field("campaign") ?? .nil))",
                          hint: "name the campaign to start")
            }
            guard let reason = text(table.field("reason")), !reason.isEmpty, reason.count <= maximumReasonLength else {
                throw Bad(field: "\(place()).reason", message: "expected a non-empty string of at most \(maximumReasonLength) characters, got \(describe(table.field("reason") ?? .nil))",
                          hint: "say why, in words the campaign team reads")
            }
            var cause: String? = nil
            let causeValue = table.field("cause") ?? .nil
            switch (causeValue, text(causeValue)) {
            case (.nil, _): break
            case (_, let text?) where !text.isEmpty && text.count <= maximumReasonLength: cause = text
            case (let other, _):
                throw Bad(field: "\(place()).cause", message: "expected a non-empty string, got \(describe(other))",
                          hint: "name what the campaign answers (\"order:1001\"); it starts once per cause")
            }
            var compensation: Int64 = 0
            switch table.field("compensation_points") ?? .nil {
            case .nil: break
            case .integer(let points) where points > 0 && points <= maximumAwardPoints: compensation = points
            case let other:
                throw Bad(field: "\(place()).compensation_points", message: "expected a whole number from 1 to \(maximumAwardPoints), got \(describe(other))",
                          hint: "points to make up for the trouble, awarded when the action is sent")
            }
            requests.append(CampaignRequest(campaign: campaign, reason: reason, cause: cause, compensationPoints: compensation))
        }
        return requests
    }

    // MARK: Helpers

    /// A list: nil for none, or a table with a sequence only.
    private static func list(_ value: TapeValue, what: String, example: String) throws(Bad) -> TapeTable? {
        switch value {
        case .nil: return nil
        case .table(let table) where table.fieldCount == 0: return table
        default: throw Bad(field: nil, message: "expected \(what), got \(describe(value))", hint: "return a list, even of one: \(example)")
        }
    }

    /// `field` is put into words only for an error.
    private static func integer(_ value: TapeValue?, field: @autoclosure () -> String, in range: ClosedRange<Int64>, hint: String) throws(Bad) -> Int64 {
        switch value ?? .nil {
        case .integer(let number) where range.contains(number):
            return number
        case .integer(let number):
            throw Bad(field: field(), message: "\(number) is out of range (\(range.lowerBound)...\(range.upperBound))", hint: hint)
        case let other:
            throw Bad(field: field(), message: "expected an integer, got \(describe(other))", hint: hint)
        }
    }

    /// The text of a string value; nil for any other value or none.
    private static func text(_ value: TapeValue?) -> String? {
        guard case .string(let text) = value else { return nil }
        return text.string
    }

    /// "the float 2.5", "a string \"x\"", "nil", "a table".
    static func describe(_ value: TapeValue) -> String {
        switch value {
        case .nil: "nil"
        case .boolean(let flag): "the boolean \(flag)"
        case .integer(let number): "the integer \(number)"
        case .number(let number): "the float \(number)"
        case .string(let text): "the string \"\(text.string.prefix(40))\""
        case .table: "a table"
        }
    }
}
