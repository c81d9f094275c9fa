/// One tier of ``SpendTiers``: the threshold to enter it, a lower one to keep it, and what it
/// multiplies points by.
public struct Tier: Hashable, Sendable {
    /// The tier's name ("gold").
    public var name: String
    /// The figure that enters the tier.
    public var enterAt: Int64
    /// The figure that keeps it once held; at most ``enterAt``.
    public var keepAt: Int64
    /// Points earned on order lines while in this tier, in percent (150 earns 1.5×).
    public var earnMultiplierPercent: Int64

    /// A tier entered at `enterAt` and kept at `keepAt` (the same when omitted).
    public init(_ name: String, from enterAt: Int64, keepAt: Int64? = nil, earnMultiplierPercent: Int64 = 100) {
        self.name = name
        self.enterAt = enterAt
        self.keepAt = keepAt ?? enterAt
        self.earnMultiplierPercent = earnMultiplierPercent
    }
}

/// The built-in tier policy: thresholds on spend, points earned or orders over the program's
/// ``QualificationWindow``, with a separate threshold to keep a tier than to enter it.
///
/// ```swift
/// let tiers = try SpendTiers(measure: .spend(.usd), tiers: [
///     Tier("bronze", from: 0),
///     Tier("silver", from: 250_00, keepAt: 200_00, earnMultiplierPercent: 125),
///     Tier("gold", from: 500_00, keepAt: 400_00, earnMultiplierPercent: 150),
/// ])
/// ```
///
/// A customer qualifies for the highest tier whose entry threshold they reach or, for the tier
/// they hold and those below it, whose keep threshold they reach.
public struct SpendTiers: TierPolicy {
    /// Named in tier changes.
    public var name: String
    /// Recorded on tier changes.
    public var version: String
    /// What the thresholds count.
    public var measure: TierMeasure
    /// The tiers, lowest first.
    public let levels: [Tier]

    /// Checks that the tiers are listed lowest first with rising thresholds, that each keep
    /// threshold is at most its entry threshold, and that names are unique.
    public init(name: String = "spend-tiers", version: String = "1", measure: TierMeasure, tiers: [Tier]) throws(ConfigurationError) {
        guard !tiers.isEmpty else { throw ConfigurationError(setting: "tiers", message: "list at least one tier") }
        var names: Set<String> = []
        for (index, tier) in tiers.enumerated() {
            guard names.insert(tier.name).inserted else {
                throw ConfigurationError(setting: "tiers", message: "'\(tier.name)' is listed twice; tier names must be unique")
            }
            guard tier.keepAt <= tier.enterAt, tier.keepAt >= 0 else {
                throw ConfigurationError(
                    setting: "tiers.\(tier.name)",
                    message: "keeping it takes \(measure.describe(tier.keepAt)), more than the \(measure.describe(tier.enterAt)) to enter it (or less than zero); set keepAt between 0 and enterAt")
            }
            guard tier.earnMultiplierPercent >= 0 else {
                throw ConfigurationError(setting: "tiers.\(tier.name)", message: "the earn multiplier must not be negative")
            }
            if index > 0, tier.enterAt <= tiers[index - 1].enterAt {
                let below = tiers[index - 1]
                throw ConfigurationError(
                    setting: "tiers",
                    message: "'\(tier.name)' (from \(measure.describe(tier.enterAt))) is listed above '\(below.name)' (from \(measure.describe(below.enterAt))); list tiers lowest first with rising thresholds")
            }
        }
        self.name = name
        self.version = version
        self.measure = measure
        self.levels = tiers
    }

    /// The tiers' names, lowest first.
    public var tiers: [String] { levels.map(\.name) }

    /// The tier's ``Tier/earnMultiplierPercent``; 100 for a name it does not know.
    public func earnMultiplierPercent(for tier: String) -> Int64 {
        levels.first { $0.name == tier }?.earnMultiplierPercent ?? 100
    }

    /// The highest tier the customer's figure reaches (keep thresholds for the tier held and
    /// below), with the reason and the progress to the next tier.
    public func assess(_ customer: CustomerView) -> TierAssessment {
        let figure = measure.value(of: customer)
        let held = customer.tier.flatMap { name in levels.firstIndex { $0.name == name } }
        var reached: Int?
        for index in levels.indices.reversed() {
            let threshold = index <= (held ?? -1) ? levels[index].keepAt : levels[index].enterAt
            if figure >= threshold {
                reached = index
                break
            }
        }
        let next = (reached.map { $0 + 1 } ?? 0) < levels.count ? levels[reached.map { $0 + 1 } ?? 0] : nil
        let progress = TierProgress(
            measure: measure, current: figure, nextTier: next?.name, toNextTier: next.map { $0.enterAt - figure },
            toKeepTier: reached.map { max(0, levels[$0].keepAt - figure) })
        guard let reached else {
            return TierAssessment(
                tier: nil,
                explanation: .threshold(measure: measure, figure: figure, window: customer.qualification, tier: levels[0].name,
                                        threshold: levels[0].enterAt, keeping: false),
                progress: progress)
        }
        let tier = levels[reached]
        let keeping = reached <= (held ?? -1) && figure < tier.enterAt
        return TierAssessment(
            tier: tier.name,
            explanation: .threshold(measure: measure, figure: figure, window: customer.qualification, tier: tier.name,
                                    threshold: keeping ? tier.keepAt : tier.enterAt, keeping: keeping),
            progress: progress)
    }
}
