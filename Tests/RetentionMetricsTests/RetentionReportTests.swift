import RetentionKit
import RetentionMetrics
import Testing

@Suite("The report: every figure over one history")
struct RetentionReportTests {
    @Test("The worked retention example, by quarter, with a ledger and tiers")
    func workedExample() throws {
        let history = try OrderHistory(orders: RetentionRateTests.workedExample(), currency: .usd)
        var account = LoyaltyAccount()
        try account.earn(key: "a", points: 1_000, on: day("2026-01-05"), source: LedgerSource(eventID: "e", reason: "test"))
        try account.redeem(key: "r", points: 400, on: day("2026-02-05"), source: LedgerSource(eventID: "e2", reason: "test"))
        let options = RetentionReport.Options(
            from: day("2026-01-01"), to: day("2026-03-31"), pointValue: try PointValue(Money(minorUnits: 1, currency: .usd), per: 1))
        let answers = [
            FeedbackAnswer(customerID: "new1", day: day("2026-02-11"), score: .nps(10), touchpoint: "delivery"),
            FeedbackAnswer(customerID: "new2", day: day("2026-02-12"), score: .nps(3), touchpoint: "delivery"),
            FeedbackAnswer(customerID: "new3", day: day("2026-02-12"), score: .nps(9), touchpoint: "purchase"),
            FeedbackAnswer(customerID: "new4", day: day("2026-02-13"), score: .csat(5), touchpoint: "purchase"),
            FeedbackAnswer(customerID: "new5", day: day("2025-12-13"), score: .nps(0), touchpoint: "purchase"),   // before the period
        ]
        let tickets = [SupportTicket(customerID: "kept1", day: day("2026-03-01"), resolved: true, contacts: 1),
                       SupportTicket(customerID: "kept2", day: day("2026-03-02"), resolved: true, contacts: 2)]
        let report = try RetentionReport(
            history: history, ledger: PointsLedger([account.entries]), tiers: ["gold", "gold", nil], answers: answers,
            tickets: tickets, options: options)
        // Two promoters and a detractor of three answers in the period: 66.7 − 33.3.
        #expect(abs((report.satisfaction.netPromoterScore ?? 0) - 100.0 / 3) < 1e-9)
        #expect(report.satisfaction.customerSatisfaction == 100)
        #expect(report.satisfaction.firstContactResolution == 50)
        #expect(report.satisfactionByTouchpoint.map(\.touchpoint) == ["delivery", "purchase", "support"])
        #expect(report.satisfactionByTouchpoint[0].figures.netPromoterScore == 0)
        #expect(report.satisfactionByPeriod.count == 1)
        #expect(report.retention.count == 1)
        #expect(report.retention[0].rate == 80)
        #expect(report.behaviour.customers == 150)
        #expect(report.loyalty?.flows.redeemed == 400)
        #expect(report.loyalty?.liability == Money(minorUnits: 600, currency: .usd))
        #expect(report.liability.map(\.outstanding) == [600])
        #expect(report.tiers.first?.tier == "gold" && report.tiers.first?.customers == 2)
        // One purchase each: nobody bought twice, so there is no model, and the report says why.
        #expect(report.predictive == nil)
        #expect(report.predictiveNote?.contains("bought twice") == true)
        let json = report.json.text
        #expect(json.contains("\"retention_rate\":80.0"))
        #expect(json.contains("\"liability\":\"6.00\""))
        #expect(report.text.contains("80.0%"))
    }

    @Test("A report names its cut and the hygiene rules that were off, in text, JSON and HTML")
    func scope() throws {
        let rules = try HygieneRules().switchingOff("skip-test-orders")
        let cut = Cut.tenure(days: 0...90, asOf: day("2026-03-31"))
        let history = try OrderHistory(orders: RetentionRateTests.workedExample(), currency: .usd, rules: rules, cut: cut)
        let report = try RetentionReport(
            history: history, ledger: nil, tiers: [], options: .init(from: day("2026-01-01"), to: day("2026-03-31"), cut: cut))
        #expect(report.scope == [
            "cut: customers whose first order was 0–90 days before 2026-03-31", "hygiene rules off: skip-test-orders",
        ])
        #expect(report.text.contains("\nCut: customers whose first order was 0–90 days before 2026-03-31\nHygiene rules off: skip-test-orders\n"))
        #expect(report.json.text.contains(#""cut":{"kind":"tenure","min_days":0,"max_days":90,"as_of":"2026-03-31"},"hygiene_rules_off":["skip-test-orders"]"#))
        #expect(report.html.contains("hygiene rules off: skip-test-orders"))
        #expect(report.hygiene.outsideCut > 0)
        #expect(report.text.contains("outside the cut \(report.hygiene.outsideCut)"))

        let whole = try RetentionReport(
            history: try OrderHistory(orders: RetentionRateTests.workedExample(), currency: .usd), ledger: nil, tiers: [],
            options: .init(from: day("2026-01-01"), to: day("2026-03-31")))
        #expect(whole.scope.isEmpty)
        #expect(whole.json.text.contains(#""cut":null,"hygiene_rules_off":[]"#))
        #expect(!whole.text.contains("outside the cut"))
    }

    @Test("A period that ends before it starts is refused")
    func badPeriod() throws {
        let history = try OrderHistory(orders: RetentionRateTests.workedExample(), currency: .usd)
        #expect(throws: MetricsError.self) {
            try RetentionReport(history: history, ledger: nil, tiers: [], options: .init(from: day("2026-05-01"), to: day("2026-03-31")))
        }
    }
}
