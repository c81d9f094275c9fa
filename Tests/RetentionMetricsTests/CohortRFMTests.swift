import RetentionKit
import RetentionMetrics
import Testing

@Suite("Cohort matrices and RFM")
struct CohortRFMTests {
    static let orders = [
        order("1", "ada", "2026-01-05", 1_000), order("2", "ada", "2026-02-07", 2_000), order("3", "ada", "2026-02-09", 500),
        order("4", "bob", "2026-01-20", 3_000), order("5", "bob", "2026-03-02", 1_000),
        order("6", "cy", "2026-02-14", 4_000),
        order("7", "dee", "2026-02-28", 2_500), order("8", "dee", "2026-03-31", 1_500), order("9", "dee", "2026-04-02", 9_999),
    ]

    @Test("Monthly cohorts: customers active and revenue by months since the first order")
    func monthly() throws {
        let history = try OrderHistory(orders: Self.orders, currency: .usd)
        let matrix = try history.cohortMatrix(by: .month, observationEnd: day("2026-03-31"))
        #expect(matrix.cohorts.map(\.start.iso) == ["2026-01-01", "2026-02-01"])
        let january = matrix.cohorts[0], february = matrix.cohorts[1]
        #expect(january.size == 2)
        #expect(january.active == [2, 1, 1])
        #expect(january.retention == [100, 50, 50])
        #expect(january.revenue == [4_000, 2_500, 1_000])
        #expect(february.size == 2)
        #expect(february.active == [2, 1])
        #expect(february.revenue == [6_500, 1_500])
        #expect(february.totalRevenue == 8_000)
    }

    @Test("Weekly cohorts start on Mondays")
    func weekly() throws {
        let history = try OrderHistory(orders: Self.orders, currency: .usd)
        let matrix = try history.cohortMatrix(by: .week, observationEnd: day("2026-01-31"))
        // 2026-01-05 and 2026-01-19 are Mondays.
        #expect(matrix.cohorts.map(\.start.iso) == ["2026-01-05", "2026-01-19"])
        #expect(matrix.cohorts.map(\.active) == [[1, 0, 0, 0], [1, 0]])
    }

    @Test("Quintile scores: ties share a score, and the grid names the segment")
    func rfm() throws {
        // Ten customers; customer i bought i + 1 times, the last time i days before the end.
        var orders: [OrderRecord] = []
        for customer in 0..<10 {
            for purchase in 0...customer {
                orders.append(order("\(customer)-\(purchase)", "c\(customer)", "2026-01-01", 100))
            }
            orders.append(order("\(customer)-last", "c\(customer)", (day("2026-03-31") - customer).iso, 100))
        }
        let history = try OrderHistory(orders: orders, currency: .usd)
        let scores = history.rfm(asOf: day("2026-03-31"))
        #expect(scores.recencyDays == (0..<10).map { Int32($0) })
        #expect(scores.frequency == (0..<10).map { Int32($0 + 2) })
        #expect(scores.recencyScore == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
        #expect(scores.frequencyScore == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(scores.monetaryScore == scores.frequencyScore)
        #expect(scores.segment == [.new, .new, .potentialLoyalists, .potentialLoyalists, .needsAttention, .needsAttention, .atRisk, .atRisk, .cannotLose, .cannotLose])

        let tied = try OrderHistory(orders: (0..<10).map { order("\($0)", "c\($0)", "2026-03-01", 100) }, currency: .usd).rfm(asOf: day("2026-03-31"))
        #expect(Set(tied.frequencyScore) == [1])
        #expect(Set(tied.recencyScore) == [1])
        #expect(tied.segmentSizes == [.lost: 10])
    }

    @Test("Every recency and frequency score has a segment", arguments: 1...5)
    func grid(recency: Int) {
        let row = (1...5).map { RFMSegment(recency: recency, frequency: $0) }
        switch recency {
        case 5: #expect(row == [.new, .potentialLoyalists, .potentialLoyalists, .champions, .champions])
        case 4: #expect(row == [.new, .potentialLoyalists, .potentialLoyalists, .loyal, .loyal])
        case 3: #expect(row == [.needsAttention, .needsAttention, .needsAttention, .loyal, .loyal])
        case 2: #expect(row == [.hibernating, .hibernating, .atRisk, .atRisk, .cannotLose])
        default: #expect(row == [.lost, .lost, .atRisk, .atRisk, .cannotLose])
        }
    }
}

@Suite("NPS, CSAT and first-contact resolution")
struct SatisfactionTests {
    static let answers: [FeedbackAnswer] = {
        var answers: [FeedbackAnswer] = []
        let scores = [10, 10, 9, 9, 9, 9, 10, 9, 10, 9, 8, 7, 8, 6, 5, 0, 3, 6, 6, 4]   // 10 promoters, 3 passives, 7 detractors
        for (index, score) in scores.enumerated() {
            answers.append(FeedbackAnswer(customerID: "c\(index)", day: day("2026-03-10"), score: .nps(score), touchpoint: index < 10 ? "purchase" : "delivery", channel: "web"))
        }
        for (index, score) in [5, 4, 3, 2, 5].enumerated() {
            answers.append(FeedbackAnswer(customerID: "c\(index)", day: day("2026-03-11"), score: .csat(score), touchpoint: "support", category: "coffee"))
        }
        answers.append(FeedbackAnswer(customerID: "late", day: day("2026-04-01"), score: .nps(0), touchpoint: "purchase"))
        return answers
    }()
    static let tickets = [
        SupportTicket(customerID: "c1", day: day("2026-03-12"), resolved: true, contacts: 1),
        SupportTicket(customerID: "c2", day: day("2026-03-12"), resolved: true, contacts: 3),
        SupportTicket(customerID: "c3", day: day("2026-03-13"), resolved: false, contacts: 1),
        SupportTicket(customerID: "c4", day: day("2026-03-14"), resolved: true, contacts: 1),
    ]

    @Test("The worked example: 10 promoters, 3 passives, 7 detractors give NPS 15")
    func figures() throws {
        let march = try SatisfactionMetrics(answers: Self.answers, tickets: Self.tickets, from: day("2026-03-01"), to: day("2026-03-31"))
        #expect(march.npsAnswers == 20)
        #expect(march.netPromoterScore == 15)
        #expect(march.customerSatisfaction == 60)
        #expect(march.firstContactResolution == 50)
    }

    @Test("Cut by touchpoint, category, channel and customers")
    func filters() throws {
        let range = (from: day("2026-03-01"), to: day("2026-03-31"))
        let purchase = try SatisfactionMetrics(answers: Self.answers, from: range.from, to: range.to, filters: [.touchpoint("purchase")])
        #expect(purchase.netPromoterScore == 100)
        let delivery = try SatisfactionMetrics(answers: Self.answers, from: range.from, to: range.to, filters: [.touchpoint("delivery")])
        #expect(delivery.netPromoterScore == -70)
        let coffee = try SatisfactionMetrics(answers: Self.answers, from: range.from, to: range.to, filters: [.category("coffee")])
        #expect(coffee.npsAnswers == 0 && coffee.netPromoterScore == nil && coffee.csatAnswers == 5)
        let some = try SatisfactionMetrics(
            answers: Self.answers, tickets: Self.tickets, from: range.from, to: range.to, filters: [.customers(["c1", "c2"]), .channel("web")])
        #expect(some.npsAnswers == 2)
        #expect(some.tickets == 0)     // tickets have no channel
    }

    @Test("Scores off their scale are refused, naming the customer and day")
    func badScores() {
        let error = #expect(throws: MetricsError.self) {
            try SatisfactionMetrics(
                answers: [FeedbackAnswer(customerID: "c9", day: day("2026-03-10"), score: .nps(11), touchpoint: "purchase")],
                from: day("2026-03-01"), to: day("2026-03-31"))
        }
        #expect(error?.message == "the NPS answer of customer c9 on 2026-03-10 is 11; NPS answers run from 0 to 10")
        #expect(throws: MetricsError.self) {
            try SatisfactionMetrics(
                answers: [FeedbackAnswer(customerID: "c9", day: day("2026-03-10"), score: .csat(0), touchpoint: "support")],
                from: day("2026-03-01"), to: day("2026-03-31"))
        }
    }
}
