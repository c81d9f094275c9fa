/// A loyalty program's configuration: what it accepts, what earns, how the ledger behaves.
///
/// ```swift
/// var program = Program(currencies: [.usd])
/// program.returnWindowDays = 30          // points stay pending until returns are no longer possible
/// program.ledger.lotExpiry = LotExpiry(days: 365, roundedUpTo: .month)
/// ```
public struct Program: Hashable, Sendable {
    /// The currencies orders may be in; empty accepts any.
    public var currencies: Set<Currency>
    /// What counts as paid for earning.
    public var earningBase: EarningBase
    /// Days awards on orders stay pending, unless a rule says otherwise.
    public var returnWindowDays: Int
    /// How the ledger treats reversals, expiry and adjustments.
    public var ledger: LedgerPolicy

    public init(
        currencies: Set<Currency> = [], earningBase: EarningBase = EarningBase(), returnWindowDays: Int = 0,
        ledger: LedgerPolicy = LedgerPolicy()
    ) {
        self.currencies = currencies
        self.earningBase = earningBase
        self.returnWindowDays = returnWindowDays
        self.ledger = ledger
    }
}

/// Which parts of an order earn points. By default: the goods, after discounts and after the
/// money points took off; shipping, tax and what gift cards paid do not earn.
public struct EarningBase: Hashable, Sendable {
    /// Whether shipping earns points.
    public var includesShipping: Bool
    /// Whether tax earns points.
    public var includesTax: Bool
    /// Whether what gift cards paid earns points.
    public var includesGiftCardPayments: Bool

    public init(includesShipping: Bool = false, includesTax: Bool = false, includesGiftCardPayments: Bool = false) {
        self.includesShipping = includesShipping
        self.includesTax = includesTax
        self.includesGiftCardPayments = includesGiftCardPayments
    }

    /// What each line of `order` earns on, in minor units: its amount less its share of the
    /// order's deductions (shared in proportion to the lines' amounts, to the unit), plus its
    /// share of shipping and tax when they earn. Never negative.
    public func eligibleAmounts(of order: Order) -> [Int64] {
        let amounts = order.lines.map(\.amount.minorUnits)
        var deduction = order.discount.minorUnits + order.pointsDiscount.minorUnits
        if !includesGiftCardPayments { deduction += order.giftCard.minorUnits }
        var addition: Int64 = 0
        if includesShipping { addition += order.shipping.minorUnits }
        if includesTax { addition += order.tax.minorUnits }
        let deductions = Self.share(deduction, by: amounts)
        let additions = Self.share(addition, by: amounts)
        return amounts.indices.map { max(0, amounts[$0] - deductions[$0] + additions[$0]) }
    }

    /// Splits `total` over `weights` in proportion, exactly: floors first, then the remaining
    /// units to the largest remainders (earlier lines first on ties).
    public static func share(_ total: Int64, by weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(0, +)
        guard sum > 0, total != 0 else { return weights.map { _ in 0 } }
        var shares = weights.map { Int64((Int128(total) * Int128($0)) / Int128(sum)) }
        var left = total - shares.reduce(0, +)
        let remainders = weights.enumerated().map { ($0, (Int128(total) * Int128($1)) % Int128(sum)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var index = 0
        while left != 0, !remainders.isEmpty {
            shares[remainders[index % remainders.count].0] += left > 0 ? 1 : -1
            left += left > 0 ? -1 : 1
            index += 1
        }
        return shares
    }
}
