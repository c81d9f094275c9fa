/// Which orders and profiles count. Every rule is on by default; turn one off to see the raw
/// figure.
///
/// - `skipCancelled`: a cancelled order never counts.
/// - `skipFullyRefunded`: an order refunded in full never counts (it is not a purchase).
/// - `subtractRefunds`: partial refunds reduce the order's revenue.
/// - `skipZeroValue`: an order with a total of zero (a free sample, a replacement) never counts.
/// - `skipTestOrders`: orders flagged ``OrderRecord/isTest`` never count.
/// - `mergeDuplicateProfiles`: profiles with the same normalised e-mail (trimmed, lower-case)
///   are one customer, under the id of the earliest profile.
/// - `refundsToOrderPeriod`: a refund or return reduces the revenue of the period the order
///   was placed in, however late it came; off, it reduces the period it happened in.
///
/// ```swift
/// var rules = HygieneRules()
/// rules.skipZeroValue = false     // count free replacements as orders
/// ```
public struct HygieneRules: Hashable, Sendable {
    public var skipCancelled = true
    public var skipFullyRefunded = true
    public var subtractRefunds = true
    public var skipZeroValue = true
    public var skipTestOrders = true
    public var mergeDuplicateProfiles = true
    public var refundsToOrderPeriod = true

    /// Every rule on.
    public init() {}

    /// Every rule off: every order counts as placed, at its full total.
    public static var none: HygieneRules {
        var rules = HygieneRules()
        for (_, rule) in rulesByName { rules[keyPath: rule] = false }
        return rules
    }

    /// Every rule by the name a host's options use, in the order of the table in
    /// Documentation/Metrics.md.
    public static var names: [String] { rulesByName.map(\.name) }

    /// The names of the rules that are off, in the order of ``names``.
    public var switchedOff: [String] {
        Self.rulesByName.filter { !self[keyPath: $0.rule] }.map(\.name)
    }

    /// These rules with the named one switched off.
    ///
    /// - Throws: ``MetricsError`` when no rule has that name; the message lists the names.
    public func switchingOff(_ name: String) throws(MetricsError) -> HygieneRules {
        guard let rule = Self.rulesByName.first(where: { $0.name == name })?.rule else {
            throw MetricsError(.badArgument, "there is no hygiene rule \(name); the rules are \(Self.names.joined(separator: ", "))")
        }
        var rules = self
        rules[keyPath: rule] = false
        return rules
    }

    private static var rulesByName: [(name: String, rule: WritableKeyPath<HygieneRules, Bool>)] {
        [
            ("skip-cancelled", \.skipCancelled), ("skip-fully-refunded", \.skipFullyRefunded),
            ("subtract-refunds", \.subtractRefunds), ("skip-zero-value", \.skipZeroValue),
            ("skip-test-orders", \.skipTestOrders), ("merge-duplicate-profiles", \.mergeDuplicateProfiles),
            ("refunds-to-order-period", \.refundsToOrderPeriod),
        ]
    }
}

/// What the hygiene rules left out, so a report can say so.
public struct HygieneReport: Hashable, Sendable {
    /// Orders given.
    public var ordersGiven = 0
    /// Orders that count.
    public var ordersCounted = 0
    /// Cancelled orders left out.
    public var cancelled = 0
    /// Orders refunded in full, left out.
    public var fullyRefunded = 0
    /// Orders of zero value, left out.
    public var zeroValue = 0
    /// Test orders, left out.
    public var testOrders = 0
    /// Orders in another currency, left out by ``OrderHistory/init(stored:currency:rules:cut:isMember:)``
    /// (the other initialisers refuse them).
    public var otherCurrency = 0
    /// Orders left out by the cut (another channel or category, a customer outside the segment).
    public var outsideCut = 0
    /// Profiles folded into an earlier profile with the same e-mail.
    public var mergedProfiles = 0

    public init() {}
}
