/// A loyalty program's configuration: what it accepts, what earns, how the ledger behaves.
///
/// ```swift
/// var program = Program(currencies: [.usd])
/// program.returnWindowDays = 30          // points stay pending until returns are no longer possible
/// program.ledger.lotExpiry = LotExpiry(days: 365, roundedUpTo: .month)
/// program.qualification = .calendarYear  // tiers count this year's spend
/// program.tierDowngrade = .afterGrace(days: 30)
/// program.limits.perCustomerPerDay = 1_000
/// program.referrals.maximum = 5          // referrals rewarded per referrer per 365 days
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
    /// The window tier thresholds count over; the last 365 days by default.
    public var qualification: QualificationWindow
    /// When a customer who no longer qualifies for their tier moves down.
    public var tierDowngrade: TierDowngrade
    /// Which referrals are accepted.
    public var referrals: ReferralPolicy
    /// Caps on the points rules award.
    public var limits: EarningLimits
    /// Points each campaign may award in all, by the campaign an ``Award`` names.
    public var campaignBudgets: [String: Int64]
    /// How subscriptions run: failed payments before cancelling, the window of skips counted.
    public var subscriptions: SubscriptionPolicy
    /// How satisfaction is scored and when a customer is flagged.
    public var satisfaction: SatisfactionPolicy
    /// Campaign guardrails (frequency cap, quiet days, opt-out) and holdout groups.
    public var campaigns: CampaignPolicy

    public init(
        currencies: Set<Currency> = [], earningBase: EarningBase = EarningBase(), returnWindowDays: Int = 0,
        ledger: LedgerPolicy = LedgerPolicy(), qualification: QualificationWindow = .rolling(days: 365),
        tierDowngrade: TierDowngrade = .endOfPeriod, referrals: ReferralPolicy = ReferralPolicy(),
        limits: EarningLimits = EarningLimits(), campaignBudgets: [String: Int64] = [:],
        subscriptions: SubscriptionPolicy = SubscriptionPolicy(), satisfaction: SatisfactionPolicy = SatisfactionPolicy(),
        campaigns: CampaignPolicy = CampaignPolicy()
    ) {
        self.currencies = currencies
        self.earningBase = earningBase
        self.returnWindowDays = returnWindowDays
        self.ledger = ledger
        self.qualification = qualification
        self.tierDowngrade = tierDowngrade
        self.referrals = referrals
        self.limits = limits
        self.campaignBudgets = campaignBudgets
        self.subscriptions = subscriptions
        self.satisfaction = satisfaction
        self.campaigns = campaigns
    }
}

/// Which referrals the engine accepts. A refused referral is a rejected event whose message
/// says why.
public struct ReferralPolicy: Hashable, Sendable {
    /// The most referrals one referrer may have accepted in ``periodDays``; nil for no limit.
    public var maximum: Int?
    /// The period ``maximum`` counts over, ending on the referral's day.
    public var periodDays: Int

    public init(maximum: Int? = nil, periodDays: Int = 365) {
        self.maximum = maximum
        self.periodDays = periodDays
    }

    /// An e-mail address as compared for self-referrals: trimmed, lower-cased, without a
    /// `+tag` in the local part ("Ann+Shop@Example.com " and "ann@example.com" are one person).
    public static func normalizedEmail(_ email: String) -> String {
        let trimmed = String(email.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()).lowercased()
        guard let at = trimmed.lastIndex(of: "@") else { return trimmed }
        let local = trimmed[..<at]
        let domain = trimmed[at...]
        guard let plus = local.firstIndex(of: "+") else { return trimmed }
        return String(local[..<plus]) + domain
    }
}

/// Caps on the points rules award. A capped award says so in the event's explanation
/// (``Decisions/adjustments``); rules are asked in priority order, so a higher-priority rule's
/// awards fill a cap first.
public struct EarningLimits: Hashable, Sendable {
    /// Points all rules together may award on one order.
    public var perOrder: Int64?
    /// Points one customer may earn on one day.
    public var perCustomerPerDay: Int64?
    /// Points one customer may earn in a rolling period.
    public var perCustomerPerPeriod: PeriodLimit?

    public init(perOrder: Int64? = nil, perCustomerPerDay: Int64? = nil, perCustomerPerPeriod: PeriodLimit? = nil) {
        self.perOrder = perOrder
        self.perCustomerPerDay = perCustomerPerDay
        self.perCustomerPerPeriod = perCustomerPerPeriod
    }
}

/// At most `points` in any `days` consecutive days.
public struct PeriodLimit: Hashable, Sendable {
    /// The period's length in days.
    public var days: Int
    /// The most points earned in it.
    public var points: Int64

    public init(days: Int, points: Int64) {
        self.days = days
        self.points = points
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
