import RetentionKit

/// Every figure of the metrics over one store, as a host prints it: purchase behaviour,
/// retention and revenue retention by period, cohorts, RFM segments, predictive value, loyalty
/// economics, members against non-members and the tier distribution.
///
/// ```swift
/// let customers = try store.load().customers.map { try StoredCustomer(decoding: $0) }
/// let report = try RetentionReport(stored: customers, currency: .usd,
///                                  options: RetentionReport.Options(to: try Day(iso: "2026-12-31")))
/// print(report.text)         // tables for a terminal
/// print(report.json.text)    // the same as JSON
/// ```
public struct RetentionReport: Sendable {
    /// What the report covers and how.
    public struct Options: Hashable, Sendable {
        /// The first day of the periods; nil for the first counted order's (with a ``cut``,
        /// from ``RetentionReport/init(stored:currency:rules:options:)``, the whole store's
        /// first order's, so the cut's periods line up with the whole store's).
        public var from: Day?
        /// The observation end: orders after it are not seen.
        public var to: Day
        /// The period of the retention and liability series.
        public var period: CalendarPeriod
        /// The period of cohorts.
        public var cohortPeriod: CalendarPeriod
        /// Who counts as a customer on a day.
        public var counting: CustomerDefinition
        /// The window of the second-purchase rate, in days.
        public var secondPurchaseDays: Int
        /// Horizons of the predictive value.
        public var forecast: ForecastOptions
        /// What a point is worth; without it liability is left out (points are still counted).
        public var pointValue: PointValue?
        /// The slice of the store the report covers; nil for all of it.
        /// ``RetentionReport/init(stored:currency:rules:options:)`` applies it to orders and
        /// to everything else it counts (points, tiers, answers, tickets, campaigns), keeping
        /// the customers with an order in the cut. ``RetentionReport/init(history:ledger:tiers:answers:tickets:exposures:options:)``
        /// only names it in the report: build that history, and pick those ledgers, with the same cut.
        public var cut: Cut?

        public init(
            from: Day? = nil, to: Day, period: CalendarPeriod = .quarter, cohortPeriod: CalendarPeriod = .month,
            counting: CustomerDefinition = .standard, secondPurchaseDays: Int = 90,
            forecast: ForecastOptions = ForecastOptions(purchaseHorizon: 90), pointValue: PointValue? = nil,
            cut: Cut? = nil
        ) {
            self.from = from
            self.to = to
            self.period = period
            self.cohortPeriod = cohortPeriod
            self.counting = counting
            self.secondPurchaseDays = secondPurchaseDays
            self.forecast = forecast
            self.pointValue = pointValue
            self.cut = cut
        }
    }

    /// The options the report was made with.
    public let options: Options
    /// The hygiene rules the orders were cleaned by (``HygieneRules/switchedOff`` names those
    /// the report says were off).
    public let rules: HygieneRules
    /// The currency of every amount.
    public let currency: Currency
    /// The first day of the periods.
    public let from: Day
    /// What the hygiene rules left out.
    public let hygiene: HygieneReport
    /// Order value, frequency and repeat purchases over `from...to`.
    public let behaviour: PurchaseBehaviour
    /// Customers acquired in `from...to` who bought again within ``Options/secondPurchaseDays``.
    public let secondPurchase: SecondPurchaseRate
    /// Retention and churn per period.
    public let retention: [RetentionRate]
    /// Revenue churn and net revenue retention per period.
    public let revenueRetention: [RevenueRetention]
    /// Acquisition cohorts over periods since acquisition.
    public let cohorts: CohortMatrix
    /// Customers per RFM segment on `to`, largest first.
    public let rfmSegments: [(segment: RFMSegment, customers: Int)]
    /// BG/NBD and Gamma-Gamma fits and what they predict, when the data allows.
    public let predictive: PredictiveValue?
    /// Why there is no ``predictive`` (or no spend model in it), in words.
    public let predictiveNote: String?
    /// Points flows up to `to` (from ``Options/from`` when given, else from the ledger's
    /// start) and the points held on `to`, when ledgers were given.
    public let loyalty: LoyaltyEconomics?
    /// Points held at the end of each period.
    public let liability: [PointsLiability]
    /// Loyalty members beside everybody else over ``membershipFrom``…`to`.
    public let membership: MembershipComparison
    /// The first day of the membership comparison: a year before `to` (retention over a span
    /// much longer than customers' lives says little), or `from` when that is later.
    public let membershipFrom: Day
    /// Customers per tier (nil key: no tier), most first.
    public let tiers: [(tier: String?, customers: Int)]
    /// NPS, CSAT and first-contact resolution over `from...to`.
    public let satisfaction: SatisfactionMetrics
    /// The same per period, for the trend.
    public let satisfactionByPeriod: [(start: Day, end: Day, figures: SatisfactionMetrics)]
    /// Each campaign's conversion and churn, contacted against held out, over 30 days after
    /// the action (for actions whose 30 days ended by `to`).
    public let campaignLift: [CampaignLift]
    /// The same per touchpoint over `from...to`, by name.
    public let satisfactionByTouchpoint: [(touchpoint: String, figures: SatisfactionMetrics)]

    /// A report over a history, the ledgers of the same customers and their tiers.
    ///
    /// - Throws: ``MetricsError`` when the options cannot make a report (a period that ends
    ///   before it starts, a bad window). A model that cannot be fitted does not throw: the
    ///   report says why in ``predictiveNote``.
    public init(
        history: OrderHistory, ledger: PointsLedger?, tiers: [String?], answers: [FeedbackAnswer] = [],
        tickets: [SupportTicket] = [], exposures: [CampaignExposure] = [], options: Options
    ) throws(MetricsError) {
        try self.init(
            history: history, ledger: ledger, tiers: tiers, answers: answers, tickets: tickets, exposures: exposures,
            options: options, firstDay: nil)
    }

    /// `firstDay`: where the periods start when ``Options/from`` is nil; nil for the history's
    /// first counted order.
    private init(
        history: OrderHistory, ledger: PointsLedger?, tiers: [String?], answers: [FeedbackAnswer],
        tickets: [SupportTicket], exposures: [CampaignExposure], options: Options, firstDay: Day?
    ) throws(MetricsError) {
        self.options = options
        rules = history.rules
        currency = history.currency
        hygiene = history.report
        let from = options.from ?? firstDay ?? history.firstOrderDay ?? options.to
        guard from <= options.to else {
            throw MetricsError(.badArgument, "the report runs from \(from.iso) to \(options.to.iso), which ends before it starts; give an earlier --from or a later --to")
        }
        self.from = from
        behaviour = try history.purchaseBehaviour(from: from, to: options.to)
        secondPurchase = try history.secondPurchaseRate(
            within: options.secondPurchaseDays, acquiredFrom: from, to: options.to, observationEnd: options.to)
        retention = try history.retentionRates(from: from, to: options.to, by: options.period, counting: options.counting)
        revenueRetention = try options.period.ranges(from: from, to: options.to).map { (range) throws(MetricsError) in
            try history.revenueRetention(from: range.lowerBound, to: range.upperBound, counting: options.counting)
        }
        cohorts = try history.cohortMatrix(by: options.cohortPeriod, observationEnd: options.to)
        rfmSegments = history.rfm(asOf: options.to).segmentSizes
            .map { (segment: $0.key, customers: $0.value) }
            .sorted { ($0.customers, $1.segment.rawValue) > ($1.customers, $0.segment.rawValue) }
        do {
            (predictive, predictiveNote) = try PredictiveValue.fit(history, observationEnd: options.to, options: options.forecast)
        } catch {
            (predictive, predictiveNote) = (nil, error.message)
        }
        if let ledger {
            let value: PointValue
            if let given = options.pointValue { value = given } else { value = try PointValue(.zero(history.currency), per: 1) }
            loyalty = try ledger.economics(from: options.from, to: options.to, value: value)
            liability = try ledger.liability(from: from, to: options.to, by: options.period, value: value)
        } else {
            loyalty = nil
            liability = []
        }
        membershipFrom = max(from, options.to - 364)
        membership = try history.membershipComparison(from: membershipFrom, to: options.to, counting: options.counting)
        satisfaction = try SatisfactionMetrics(answers: answers, tickets: tickets, from: from, to: options.to)
        satisfactionByPeriod = try options.period.ranges(from: from, to: options.to).map { (range) throws(MetricsError) in
            (range.lowerBound, range.upperBound,
             try SatisfactionMetrics(answers: answers, tickets: tickets, from: range.lowerBound, to: range.upperBound))
        }
        let touchpoints = Set(answers.map(\.touchpoint)).union(tickets.isEmpty ? [] : ["support"]).sorted()
        satisfactionByTouchpoint = try touchpoints.map { (touchpoint) throws(MetricsError) in
            (touchpoint, try SatisfactionMetrics(
                answers: answers, tickets: tickets, from: from, to: options.to, filters: [.touchpoint(touchpoint)]))
        }
        campaignLift = try history.campaignLift(
            exposures.filter { $0.day >= from }, windowDays: 30, observationEnd: options.to, counting: options.counting)
        var byTier: [String?: Int] = [:]
        for tier in tiers { byTier[tier, default: 0] += 1 }
        self.tiers = byTier.map { (tier: $0.key, customers: $0.value) }
            .sorted { ($0.customers, $1.tier ?? "") > ($1.customers, $0.tier ?? "") }
    }

    /// A report over a store's customers in one currency (orders in others are left out and
    /// counted in ``HygieneReport/otherCurrency``), over the slice ``Options/cut`` names if any:
    /// then only the customers with a counted order in the cut bring their points, tier,
    /// answers, tickets and campaign contacts.
    public init(stored customers: [StoredCustomer], currency: Currency, rules: HygieneRules = HygieneRules(), options: Options)
        throws(MetricsError)
    {
        let history = try OrderHistory(stored: customers, currency: currency, rules: rules, cut: options.cut)
        var inCut = customers
        var firstDay: Day? = nil
        if options.cut != nil {
            firstDay = customers.lazy.filter { $0.mergedInto == nil }
                .flatMap { $0.orders.lazy.filter { $0.order.currency == currency && !$0.isClosed }.map(\.day) }.min()
            let kept = Set(history.customerIDs)
            // A merged profile's points are its survivor's, so it goes where its survivor goes.
            inCut = customers.filter { kept.contains(history.survivor(of: $0.mergedInto ?? $0.profile.id)) }
        }
        try self.init(
            history: history,
            ledger: PointsLedger(stored: inCut),
            tiers: inCut.filter { $0.mergedInto == nil }.map(\.tier), answers: FeedbackAnswer.answers(of: inCut),
            tickets: SupportTicket.tickets(of: inCut), exposures: CampaignExposure.exposures(of: inCut), options: options,
            firstDay: firstDay)
    }

    /// What the report covers beyond the whole store under every hygiene rule, in words: the
    /// cut, and the rules that were off. Empty for a default report.
    public var scope: [String] {
        var notes: [String] = []
        if let cut = options.cut { notes.append("cut: \(cut)") }
        if !rules.switchedOff.isEmpty { notes.append("hygiene rules off: \(rules.switchedOff.joined(separator: ", "))") }
        return notes
    }
}

extension OrderHistory {
    /// The day of the first counted order, if any.
    var firstOrderDay: Day? {
        var first: Int32? = nil
        for customer in 0..<customerCount {
            if let day = firstOrderDay(of: customer) { first = min(first ?? day, day) }
        }
        return first.map(Day.init(number:))
    }
}
