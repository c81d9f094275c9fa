/// Decides what an event earns. The engine asks each rule of its ``RuleSet`` in turn; a rule
/// sees read-only values and returns awards, and never changes state itself. The built-in rules
/// are Swift; the Lua layer implements the same protocol for merchants' scripts.
public protocol EarningRule: Sendable {
    /// Unique within a rule set; ledger entries name it.
    var name: String { get }
    /// Recorded on every entry the rule makes, so a change of rules shows in the ledger.
    var version: String { get }
    /// Rules with a higher priority are asked first, so their awards fill limits first; rules
    /// of equal priority are asked in the order given. 0 unless a rule says otherwise.
    var priority: Int { get }
    /// The event types the rule may award on (``Event/type``: `"order_placed"`, and the
    /// engine-made `"birthday"` and `"tier_changed"`), or nil when it may award on any. The
    /// engine does not ask the rule about other events (its ``RuleOutcome`` says so with
    /// ``RuleOutcome/notAskedNote``), and builds no customer view for an event no rule is asked
    /// about. Nil unless a rule says otherwise.
    var eventTypes: Set<String>? { get }
    /// The awards for `event`, given what the engine knows of the customer before it.
    func awards(for event: Event, customer: CustomerView, program: Program) throws -> RuleDecision
}

extension EarningRule {
    /// 0: asked in the order given.
    public var priority: Int { 0 }
    /// Nil: asked about every event.
    public var eventTypes: Set<String>? { nil }
}

/// What a rule decided, and why.
public struct RuleDecision: Hashable, Sendable {
    /// The awards.
    public var awards: [Award]
    /// Why the rule awarded nothing (or less), when it did: what a support team reads when a
    /// customer asks "why didn't I earn points?".
    public var note: String?

    public init(awards: [Award] = [], note: String? = nil) {
        self.awards = awards
        self.note = note
    }

    /// No awards, with the reason.
    public static func none(_ note: String) -> RuleDecision { RuleDecision(note: note) }
}

/// Points a rule awards.
public struct Award: Hashable, Sendable {
    /// The points.
    public var points: Points
    /// A reason a person can read ("purchase", "first order bonus").
    public var reason: String
    /// Days the points stay pending; nil for the program's return window on orders, 0 elsewhere.
    public var pendingDays: Int?
    /// For purchases: how many of the points each order line earned (by line index), so a refund
    /// of given lines takes back exactly what they earned. Empty when the award is for the order
    /// as a whole.
    public var perLine: [Int: Int64]
    /// The campaign paying for it, when the program gives campaigns a points budget
    /// (``Program/campaignBudgets``).
    public var campaign: String?

    public init(points: Points, reason: String, pendingDays: Int? = nil, perLine: [Int: Int64] = [:], campaign: String? = nil) {
        self.points = points
        self.reason = reason
        self.pendingDays = pendingDays
        self.perLine = perLine
        self.campaign = campaign
    }
}

/// The rules a program runs.
///
/// ```swift
/// let rules = RuleSet(
///     earning: [PurchasePoints(firstOrderBonus: 50), ReviewPoints(), ReferralPoints(points: 500), BirthdayPoints(points: 200)],
///     tiers: try SpendTiers(measure: .spend(.usd), tiers: [Tier("silver", from: 250_00), Tier("gold", from: 500_00)]))
/// ```
public struct RuleSet: Sendable {
    /// The earning rules, highest ``EarningRule/priority`` first (stable for equal priorities).
    public let earning: [any EarningRule]
    /// The tier policy, when the program has tiers.
    public let tiers: (any TierPolicy)?
    /// Segment definitions, asked in order.
    public let segments: [any SegmentDefinition]
    /// Segments decided in groups, asked after ``segments``.
    public let segmentGroups: [any SegmentGroup]
    /// Campaign triggers, asked in order.
    public let triggers: [any CampaignTrigger]
    /// Whether a rule or the tier policy may throw (only the built-in ones are known not to).
    let mayFail: Bool
    /// For each event type some earning rule names in its ``EarningRule/eventTypes``, which
    /// rules (by position in ``earning``) are asked about it: one lookup per event instead of
    /// one per rule.
    private let earningAskedByType: [String: [Bool]]
    /// Which rules are asked about a type no rule names: those without event types.
    private let earningAskedOtherwise: [Bool]

    /// Which earning rules (by position in ``earning``) are asked about events of `type`.
    func earningRulesAsked(about type: String) -> [Bool] { earningAskedByType[type] ?? earningAskedOtherwise }

    public init(
        earning: [any EarningRule], tiers: (any TierPolicy)? = nil, segments: [any SegmentDefinition] = [],
        segmentGroups: [any SegmentGroup] = [], triggers: [any CampaignTrigger] = []
    ) {
        self.earning = earning.enumerated().sorted { a, b in
            a.element.priority != b.element.priority ? a.element.priority > b.element.priority : a.offset < b.offset
        }.map(\.element)
        let eventTypes = self.earning.map(\.eventTypes)
        earningAskedOtherwise = eventTypes.map { $0 == nil }
        let named = eventTypes.reduce(into: Set<String>()) { all, types in all.formUnion(types ?? []) }
        earningAskedByType = Dictionary(uniqueKeysWithValues: named.map { type in
            (type, eventTypes.map { $0?.contains(type) ?? true })
        })
        self.tiers = tiers
        self.segments = segments
        self.segmentGroups = segmentGroups.filter { !$0.names.isEmpty }
        self.triggers = triggers
        mayFail = !earning.allSatisfy { $0 is any InfallibleRule } || !(tiers.map { $0 is any InfallibleRule } ?? true)
            || !segments.allSatisfy { $0 is any InfallibleRule } || !segmentGroups.isEmpty
            || !triggers.allSatisfy { $0 is any InfallibleRule }
    }

    /// Whether any segment is defined, alone or in a group.
    var hasSegments: Bool { !segments.isEmpty || !segmentGroups.isEmpty }
}

/// The built-in rules and policies, which never throw: the engine needs no undo log for them.
protocol InfallibleRule {}

extension PurchasePoints: InfallibleRule {}
extension ReviewPoints: InfallibleRule {}
extension SubscriptionPoints: InfallibleRule {}
extension ReferralPoints: InfallibleRule {}
extension BirthdayPoints: InfallibleRule {}
extension TierBonus: InfallibleRule {}
extension SpendTiers: InfallibleRule {}
extension Segment: InfallibleRule {}
extension Trigger: InfallibleRule {}
