import RetentionKit
import RetentionMetrics
import Testing

@Suite("Recency, frequency, age and monetary value, by the models' definitions")
struct PurchaseSummaryTests {
    @Test("Same-day orders are one purchase; the first purchase is left out of the spend average")
    func definitions() throws {
        let orders = [
            order("1", "ada", "2026-01-01", 10_000),
            order("2", "ada", "2026-01-01", 5_000),     // same day as the first: part of it
            order("3", "ada", "2026-01-11", 2_000),
            order("4", "ada", "2026-01-11", 1_000),     // same day: one purchase worth $30
            order("5", "ada", "2026-01-21", 5_000),
            order("6", "ada", "2026-03-01", 9_900),     // after the observation end
            order("7", "bob", "2026-01-15", 4_000),
            order("8", "cy", "2026-02-20", 1_000),      // first purchase after the end: left out
        ]
        let history = try OrderHistory(orders: orders, currency: .usd)
        let summary = history.purchaseSummary(observationEnd: day("2026-01-31"))
        #expect(summary.customerIDs == ["ada", "bob"])
        #expect(summary.frequency == [2, 0])
        #expect(summary.recency == [20, 0])
        #expect(summary.age == [30, 16])
        #expect(summary.monetary == [40, 0])     // ($30 + $50) ÷ 2

        let weeks = history.purchaseSummary(observationEnd: day("2026-01-31"), unit: .weeks)
        #expect(weeks.recency == [20.0 / 7, 0])
        #expect(weeks.age == [30.0 / 7, 16.0 / 7])
    }

    @Test("A log too large for one table (numbered in parallel partitions) groups as a dictionary does")
    func largeLog() throws {
        var random = SeededGenerator(seed: 7)
        let first = day("2026-01-01").number
        var builder = OrderHistory.Builder(currency: .usd)
        var expectedIDs: [String] = []
        var days: [String: Set<Int32>] = [:]
        var total: [String: Int64] = [:]
        for row in 0..<250_000 {
            // Short ids live inside the String value, long ones on the heap: both kinds.
            let number = Int.random(in: 0..<40_000, using: &random)
            let id = number % 3 == 0 ? "customer-\(number)@a-rather-long-domain.example" : "c\(number)"
            let orderDay = Day(number: first + Int32.random(in: 0..<300, using: &random))
            let cents = Int64.random(in: 1...20_000, using: &random)
            try builder.append(orderID: "o\(row)", customerID: id, day: orderDay, total: cents)
            if days[id] == nil { expectedIDs.append(id) }
            days[id, default: []].insert(orderDay.number)
            total[id, default: 0] += cents
        }
        let history = builder.build()
        #expect(history.customerIDs == expectedIDs)
        #expect(history.orderCount == 250_000)
        let summary = history.purchaseSummary(observationEnd: day("2026-12-31"))
        #expect(summary.customerIDs == expectedIDs)
        #expect(summary.frequency == expectedIDs.map { Int32(days[$0]!.count - 1) })
        #expect(history.historicValue(asOf: day("2026-12-31")) == expectedIDs.map { total[$0]! })
    }

    @Test("Amounts are in major units of the currency: yen have none")
    func majorUnits() throws {
        let yen = try Currency(code: "JPY")
        let orders = [
            OrderRecord(id: "1", customerID: "a", day: day("2026-01-01"), total: Money(minorUnits: 1_000, currency: yen)),
            OrderRecord(id: "2", customerID: "a", day: day("2026-01-02"), total: Money(minorUnits: 3_000, currency: yen)),
        ]
        let summary = try OrderHistory(orders: orders, currency: yen).purchaseSummary(observationEnd: day("2026-01-31"))
        #expect(summary.monetary == [3_000])
    }
}

@Suite("Order value, frequency, repeat purchases and revenue retention")
struct PurchaseBehaviourTests {
    static let orders = [
        order("1", "ada", "2026-01-02", 3_000),
        order("2", "ada", "2026-01-12", 5_000),
        order("3", "ada", "2026-01-12", 1_000),
        order("4", "bob", "2026-01-20", 6_000),
        order("5", "cy", "2025-12-20", 2_000),
        order("6", "cy", "2026-01-30", 2_000),
        order("7", "dee", "2026-01-25", 1_000),
        order("8", "dee", "2026-03-10", 4_000),
    ]

    @Test("January: 6 orders from 4 customers; AOV, frequency, repeat rate and days between orders")
    func january() throws {
        let history = try OrderHistory(orders: Self.orders, currency: .usd)
        let january = try history.purchaseBehaviour(from: day("2026-01-01"), to: day("2026-01-31"))
        #expect(january.customers == 4)
        #expect(january.orders == 6)
        #expect(january.revenue == 18_000)
        #expect(january.averageOrderValue == 3_000)
        #expect(january.purchaseFrequency == 1.5)
        #expect(january.repeatCustomers == 1)           // ada; cy's other order was in December
        #expect(january.repeatPurchaseRate == 25)
        // ada: 2 Jan → 12 Jan (two orders on the 12th are one purchase day): one gap of 10 days.
        #expect(january.averageDaysBetweenOrders == 10)
    }

    @Test("Second purchase within 30 days, of those watched for the full 30 days")
    func secondPurchase() throws {
        let history = try OrderHistory(orders: Self.orders, currency: .usd)
        let rate = try history.secondPurchaseRate(within: 30, acquiredFrom: day("2026-01-01"), to: day("2026-01-31"), observationEnd: day("2026-02-20"))
        // ada (2 Jan, back 12 Jan) and bob (20 Jan, never back) were watched 30 days;
        // dee (25 Jan) was not, and cy was acquired in December.
        #expect(rate.eligible == 2)
        #expect(rate.returned == 1)
        #expect(rate.rate == 50)
    }

    @Test("Revenue churn and NRR compare each starting customer's period with the one before")
    func revenueRetention() throws {
        let orders = [
            order("1", "ada", "2026-01-10", 10_000), order("2", "ada", "2026-02-10", 15_000),   // expands by 50
            order("3", "bob", "2026-01-10", 8_000),                                             // churns 80
            order("4", "cy", "2026-01-15", 2_000), order("5", "cy", "2026-02-15", 1_000),       // contracts by 10
            order("6", "new", "2026-02-20", 9_000),                                             // new: not counted
        ]
        let history = try OrderHistory(orders: orders, currency: .usd)
        let february = try history.revenueRetention(from: day("2026-02-01"), to: day("2026-02-28"))
        // The window before February is the 28 days from 4 January.
        #expect(february.baseRevenue == 20_000)
        #expect(february.retainedRevenue == 16_000)
        #expect(february.churnedRevenue == 9_000)
        #expect(february.expansionRevenue == 5_000)
        #expect(february.revenueChurn == 45)
        #expect(february.netRevenueRetention == 80)
    }
}
