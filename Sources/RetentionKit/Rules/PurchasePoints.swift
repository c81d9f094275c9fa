/// The built-in purchase rule: points per currency unit paid, category multipliers, and a bonus
/// on a customer's first order. Configure it; no script needed.
///
/// ```swift
/// let rule = PurchasePoints(pointsPerUnit: 1, categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)
/// ```
///
/// An order earns `floor(Σ eligible × multiplier × pointsPerUnit ÷ minor units per unit)` for its
/// lines (see ``EarningBase`` for what is eligible), shared over the lines exactly so refunds of
/// given lines take back what they earned.
public struct PurchasePoints: EarningRule {
    /// The name, when known.
    public var name: String
    /// The rule's version.
    public var version: String
    /// Points per whole currency unit paid (per dollar for USD, per yen for JPY).
    public var pointsPerUnit: Int64
    /// Multipliers by line category; a category not listed earns at 1.
    public var categoryMultipliers: [String: Int64]
    /// Points for a customer's first order, on top; 0 for none.
    public var firstOrderBonus: Int64

    /// The events it awards on.
    public var eventTypes: Set<String>? { Self.awardedOn }
    private static let awardedOn: Set<String> = ["order_placed"]

    public init(
        name: String = "purchase-points", version: String = "1", pointsPerUnit: Int64 = 1,
        categoryMultipliers: [String: Int64] = [:], firstOrderBonus: Int64 = 0
    ) {
        self.name = name
        self.version = version
        self.pointsPerUnit = pointsPerUnit
        self.categoryMultipliers = categoryMultipliers
        self.firstOrderBonus = firstOrderBonus
    }

    /// Awards for an `order_placed`; nothing for other events.
    public func awards(for event: Event, customer: CustomerView, program: Program) -> RuleDecision {
        guard case .orderPlaced(let order) = event.payload else { return RuleDecision() }
        let eligible = program.earningBase.eligibleAmounts(of: order)
        let weighted = order.lines.indices.map { eligible[$0] * (order.lines[$0].category.flatMap { categoryMultipliers[$0] } ?? 1) }
        let scale = order.currency.minorUnitsPerMajor
        let total = Int64((Int128(weighted.reduce(0, +)) * Int128(pointsPerUnit)) / Int128(scale))
        var awards: [Award] = []
        if total > 0 {
            let shares = EarningBase.share(total, by: weighted)
            var perLine: [Int: Int64] = [:]
            for (index, share) in shares.enumerated() where share > 0 { perLine[index] = share }
            awards.append(Award(points: Points(total), reason: "purchase", perLine: perLine))
        }
        if firstOrderBonus > 0, customer.orderCount == 0 {
            awards.append(Award(points: Points(firstOrderBonus), reason: "first order bonus"))
        }
        if awards.isEmpty {
            return .none("order \(order.id): \(Money(minorUnits: eligible.reduce(0, +), currency: order.currency)) eligible, "
                + "less than one currency unit after discounts (shipping, tax and gift cards do not earn)")
        }
        return RuleDecision(awards: awards)
    }
}
