import RetentionKit
import RetentionMetrics
import Testing

@Suite("Customer retention and churn")
struct RetentionRateTests {
    /// The documentation's worked example: 500 customers on 1 January, 150 acquired in the first
    /// quarter, 550 customers on 31 March. 100 of the 500 last bought in March 2025, so they drop
    /// out of the 365-day window during the quarter.
    static func workedExample() -> [OrderRecord] {
        var orders: [OrderRecord] = []
        for index in 0..<400 { orders.append(order("k\(index)", "kept\(index)", "2025-06-01", 5_000)) }
        for index in 0..<100 { orders.append(order("l\(index)", "lapsed\(index)", "2025-03-15", 5_000)) }
        for index in 0..<150 { orders.append(order("n\(index)", "new\(index)", "2026-02-10", 5_000)) }
        return orders
    }

    @Test("S = 500, N = 150, E = 550 gives 80% retention and 20% churn")
    func workedExampleRate() throws {
        let history = try OrderHistory(orders: Self.workedExample(), currency: .usd)
        let quarter = try history.retentionRate(from: day("2026-01-01"), to: day("2026-03-31"))
        #expect(quarter.customersAtStart == 500)
        #expect(quarter.acquired == 150)
        #expect(quarter.customersAtEnd == 550)
        #expect(quarter.rate == 80)
        #expect(quarter.churn == 20)
    }

    @Test("The active window decides who is a customer: the last order's day plus the window, exclusive")
    func windowEdges() throws {
        let history = try OrderHistory(orders: [order("1", "a", "2026-01-01", 1_000)], currency: .usd)
        let thirty = CustomerDefinition.activeWindow(days: 30)
        // Day 0 to day 29 after the order count; day 30 does not.
        #expect(try history.retentionRate(from: day("2026-01-01"), to: day("2026-01-30"), counting: thirty).customersAtEnd == 1)
        #expect(try history.retentionRate(from: day("2026-01-01"), to: day("2026-01-31"), counting: thirty).customersAtEnd == 0)
        // Before the first order there is no customer and no rate.
        let before = try history.retentionRate(from: day("2025-12-01"), to: day("2025-12-31"))
        #expect(before.customersAtStart == 0)
        #expect(before.rate == nil)
    }

    @Test("Counting by subscription: active spans decide, whatever the orders")
    func subscriptionDefinition() throws {
        let spans = [
            SubscriptionSpan(customerID: "a", start: day("2025-06-01")),                          // still running
            SubscriptionSpan(customerID: "b", start: day("2025-06-01"), end: day("2026-02-01")),  // cancelled in the period
            SubscriptionSpan(customerID: "c", start: day("2026-01-15")),                          // acquired in the period
        ]
        let history = try OrderHistory(orders: [], subscriptions: spans, currency: .usd)
        let rate = try history.retentionRate(from: day("2026-01-01"), to: day("2026-03-31"), counting: .activeSubscription)
        #expect(rate.customersAtStart == 2)
        #expect(rate.acquired == 1)
        #expect(rate.customersAtEnd == 2)
        #expect(rate.rate == 50)
    }

    @Test("A monthly series covers the range, each month on its own")
    func monthlySeries() throws {
        let history = try OrderHistory(orders: Self.workedExample(), currency: .usd)
        let months = try history.retentionRates(from: day("2026-01-01"), to: day("2026-03-31"), by: .month)
        #expect(months.map(\.start.iso) == ["2026-01-01", "2026-02-01", "2026-03-01"])
        #expect(months.map(\.end.iso) == ["2026-01-31", "2026-02-28", "2026-03-31"])
        #expect(months.map(\.acquired) == [0, 150, 0])
        // The 100 lapsed customers last bought on 2025-03-15: they leave the window on 2026-03-15.
        #expect(months[2].customersAtStart == 650)
        #expect(months[2].customersAtEnd == 550)
    }

    @Test("Bad arguments are refused with the reason")
    func badArguments() throws {
        let history = try OrderHistory(orders: Self.workedExample(), currency: .usd)
        #expect(throws: MetricsError.self) { try history.retentionRate(from: day("2026-03-31"), to: day("2026-01-01")) }
        let error = #expect(throws: MetricsError.self) {
            try history.retentionRate(from: day("2026-01-01"), to: day("2026-03-31"), counting: .activeWindow(days: 0))
        }
        #expect(error?.message.contains("at least 1 day") == true)
    }
}
