import RetentionKit
import RetentionMetrics
import Testing

@Suite("Data hygiene: which orders and profiles count")
struct HygieneTests {
    static let orders = [
        order("1", "ada", "2026-01-05", 10_000),
        order("2", "ada", "2026-01-06", 4_000, cancelled: true),
        order("3", "ada", "2026-01-07", 3_000, refunds: [OrderRecord.Refund(day: day("2026-01-09"), amount: 3_000)]),   // fully refunded
        order("4", "ada", "2026-01-08", 0),                                                                  // a free replacement
        order("5", "ada", "2026-01-09", 2_500, test: true),
        order("6", "bob", "2026-01-20", 8_000, refunds: [OrderRecord.Refund(day: day("2026-02-03"), amount: 2_000)]),    // returned in February
    ]

    @Test("Cancelled, fully refunded, zero-value and test orders do not count; partial refunds reduce revenue")
    func defaults() throws {
        let history = try OrderHistory(orders: Self.orders, currency: .usd)
        #expect(history.orderCount == 2)
        #expect(history.report.ordersGiven == 6)
        #expect(history.report.cancelled == 1)
        #expect(history.report.fullyRefunded == 1)
        #expect(history.report.zeroValue == 1)
        #expect(history.report.testOrders == 1)
        let january = try history.purchaseBehaviour(from: day("2026-01-01"), to: day("2026-01-31"))
        #expect(january.orders == 2)
        #expect(january.revenue == 10_000 + 6_000)
    }

    @Test("Each rule can be switched off")
    func rulesOff() throws {
        let raw = try OrderHistory(orders: Self.orders, currency: .usd, rules: .none)
        #expect(raw.orderCount == 6)
        let january = try raw.purchaseBehaviour(from: day("2026-01-01"), to: day("2026-01-31"))
        #expect(january.revenue == 10_000 + 4_000 + 3_000 + 0 + 2_500 + 8_000)

        var keepZero = HygieneRules()
        keepZero.skipZeroValue = false
        #expect(try OrderHistory(orders: Self.orders, currency: .usd, rules: keepZero).orderCount == 3)
    }

    @Test("Rules are switched off by the names the host's --hygiene-off takes, and an unknown name lists them")
    func rulesByName() throws {
        #expect(HygieneRules().switchedOff == [])
        #expect(HygieneRules.none.switchedOff == HygieneRules.names)
        let keepZero = try HygieneRules().switchingOff("skip-zero-value")
        var expected = HygieneRules()
        expected.skipZeroValue = false
        #expect(keepZero == expected)
        #expect(try keepZero.switchingOff("skip-cancelled").switchedOff == ["skip-cancelled", "skip-zero-value"])
        for name in HygieneRules.names {
            #expect(try HygieneRules().switchingOff(name).switchedOff == [name])
        }
        let error = #expect(throws: MetricsError.self) { try HygieneRules().switchingOff("skip-refunds") }
        #expect(error?.code == .badArgument)
        #expect(error?.message.contains("there is no hygiene rule skip-refunds; the rules are skip-cancelled, ") == true)
    }

    @Test("A late return reduces the period of the order by default, and its own period when asked")
    func refundPeriods() throws {
        let byOrder = try OrderHistory(orders: Self.orders, currency: .usd)
        #expect(byOrder.historicValue(asOf: day("2026-01-31")) == [10_000, 6_000])
        var own = HygieneRules()
        own.refundsToOrderPeriod = false
        let byRefund = try OrderHistory(orders: Self.orders, currency: .usd, rules: own)
        #expect(byRefund.historicValue(asOf: day("2026-01-31")) == [10_000, 8_000])
        #expect(byRefund.historicValue(asOf: day("2026-02-28")) == [10_000, 6_000])
    }

    @Test("Profiles with the same e-mail are one customer, under the earliest profile's id")
    func duplicateProfiles() throws {
        let profiles = [
            CustomerDetails(id: "ada-2", email: " ADA@example.com ", createdOn: day("2026-01-15")),
            CustomerDetails(id: "ada", email: "ada@example.com", createdOn: day("2025-11-01"), segments: ["vip"]),
            CustomerDetails(id: "bob", email: "bob@example.com"),
        ]
        let orders = [order("1", "ada", "2026-01-05", 1_000), order("2", "ada-2", "2026-01-20", 2_000), order("3", "bob", "2026-01-21", 500)]
        let merged = try OrderHistory(orders: orders, customers: profiles, currency: .usd)
        #expect(merged.customerIDs == ["ada", "bob"])
        #expect(merged.report.mergedProfiles == 1)
        #expect(merged.survivor(of: "ada-2") == "ada")
        #expect(merged.survivor(of: "bob") == "bob")
        #expect(merged.historicValue(asOf: day("2026-12-31")) == [3_000, 500])

        var separate = HygieneRules()
        separate.mergeDuplicateProfiles = false
        #expect(try OrderHistory(orders: orders, customers: profiles, currency: .usd, rules: separate).customerCount == 3)
    }

    @Test("An order that cannot be right is refused with its id and the fix, and the rest still count")
    func badOrders() throws {
        var builder = OrderHistory.Builder(currency: .usd)
        try builder.append(order("1", "ada", "2026-01-05", 1_000))
        let euro = OrderRecord(id: "2", customerID: "ada", day: day("2026-01-06"), total: Money(minorUnits: 500, currency: .eur))
        let currency = #expect(throws: MetricsError.self) { try builder.append(euro) }
        #expect(currency?.message == "order 2: currency EUR, but these metrics are in USD; convert it first or build one history per currency")
        let over = #expect(throws: MetricsError.self) {
            try builder.append(order("3", "ada", "2026-01-07", 1_000, refunds: [OrderRecord.Refund(day: day("2026-01-08"), amount: 1_500)]))
        }
        #expect(over?.message.hasPrefix("order 3: refunds of 1500 exceed its total of 1000") == true)
        #expect(throws: MetricsError.self) { try builder.append(order("4", "ada", "2026-01-07", -5)) }
        let history = builder.build()
        #expect(history.orderCount == 1)
        #expect(history.historicValue(asOf: day("2026-12-31")) == [1_000])
    }

    @Test("Cuts keep one segment, channel, category, tenure band or membership group")
    func cuts() throws {
        let profiles = [
            CustomerDetails(id: "ada", segments: ["vip"], isLoyaltyMember: true),
            CustomerDetails(id: "bob"),
        ]
        let orders = [
            order("1", "ada", "2025-01-05", 10_000, channel: "web", lines: [OrderRecord.Line(category: "coffee", amount: 6_000), OrderRecord.Line(category: "mugs", amount: 4_000)]),
            order("2", "bob", "2026-01-05", 5_000, channel: "pos", lines: [OrderRecord.Line(category: "mugs", amount: 5_000)]),
            order("3", "ada", "2026-01-10", 8_000, refunds: [OrderRecord.Refund(day: day("2026-01-12"), amount: 4_000)], channel: "pos",
                  lines: [OrderRecord.Line(category: "coffee", amount: 8_000)]),
        ]
        func value(_ cut: Cut) throws -> [Int64] {
            try OrderHistory(orders: orders, customers: profiles, currency: .usd, cut: cut).historicValue(asOf: day("2026-12-31"))
        }
        #expect(try value(.segment("vip")) == [14_000])
        #expect(try value(.loyaltyMembers(true)) == [14_000])
        #expect(try value(.loyaltyMembers(false)) == [5_000])
        // Customers are numbered in the order their first counted order came.
        #expect(try value(.channel("pos")) == [5_000, 4_000])
        // Only the coffee lines count, and the refund in proportion.
        #expect(try value(.category("coffee")) == [6_000 + 4_000])
        // Tenure from the first counted order: ada since 2025, bob since 2026.
        #expect(try value(.tenure(days: 0...100, asOf: day("2026-03-01"))) == [5_000])
        #expect(try value(.tenure(days: 365...1_000, asOf: day("2026-03-01"))) == [14_000])
    }
}

@Suite("Large histories")
struct LargeHistoryTests {
    @Test("300,000 orders from 60,000 customers in random order: numbered by first order, every cent kept")
    func numbering() throws {
        var random = SeededGenerator(seed: 7)
        var builder = OrderHistory.Builder(currency: .usd)
        var firstSeen: [String] = []
        var seen: Set<String> = []
        var totals: [String: Int64] = [:]
        for row in 0..<300_000 {
            let id = "customer-\(random.next() % 60_000)"
            let cents = Int64(random.next() % 10_000) + 1
            try builder.append(orderID: "\(row)", customerID: id, day: day("2026-01-01") + Int(random.next() % 365), total: cents)
            if seen.insert(id).inserted { firstSeen.append(id) }
            totals[id, default: 0] += cents
        }
        let history = builder.build()
        #expect(history.customerIDs == firstSeen)
        #expect(history.historicValue(asOf: day("2026-12-31")) == firstSeen.map { totals[$0]! })
    }

    @Test("Orders given as columns make the history the same orders appended one by one make")
    func columns() throws {
        var random = SeededGenerator(seed: 11)
        var ids: [String] = [], days: [Day] = [], totals: [Int64] = []
        for _ in 0..<250_000 {
            ids.append("c\(random.next() % 50_000)")
            days.append(day("2026-01-01") + Int(random.next() % 365))
            totals.append(Int64(random.next() % 10_000))     // some zero: left out by the hygiene rules
        }
        let profiles = [CustomerDetails(id: "c1", email: "same@example.com"), CustomerDetails(id: "c2", email: "same@example.com")]
        var oneByOne = OrderHistory.Builder(currency: .usd, customers: profiles)
        for row in ids.indices { try oneByOne.append(orderID: "\(row)", customerID: ids[row], day: days[row], total: totals[row]) }
        var asColumns = OrderHistory.Builder(currency: .usd, customers: profiles)
        try asColumns.append(customerIDs: ids, days: days, totals: totals)
        let (expected, history) = (oneByOne.build(), asColumns.build())
        #expect(history.customerIDs == expected.customerIDs)
        #expect(history.report == expected.report)
        #expect(history.report.zeroValue > 0 && history.report.mergedProfiles == 1)
        let end = day("2026-12-31")
        #expect(history.historicValue(asOf: end) == expected.historicValue(asOf: end))
        #expect(history.purchaseSummary(observationEnd: end).frequency == expected.purchaseSummary(observationEnd: end).frequency)

        // Without merges or zero totals the columns are copied whole; the result is the same.
        let paid = totals.map { $0 + 1 }
        var plain = OrderHistory.Builder(currency: .usd)
        try plain.append(customerIDs: ids, days: days, totals: paid)
        var plainOneByOne = OrderHistory.Builder(currency: .usd)
        for row in ids.indices { try plainOneByOne.append(orderID: "\(row)", customerID: ids[row], day: days[row], total: paid[row]) }
        let (fast, slow) = (plain.build(), plainOneByOne.build())
        #expect(fast.customerIDs == slow.customerIDs)
        #expect(fast.report == slow.report)
        #expect(fast.historicValue(asOf: end) == slow.historicValue(asOf: end))
    }

    @Test("Columns that cannot be right are refused whole, naming the row, and the history keeps what it had")
    func badColumns() throws {
        var builder = OrderHistory.Builder(currency: .usd)
        try builder.append(customerIDs: ["ada"], days: [day("2026-01-05")], totals: [1_000])
        let short = #expect(throws: MetricsError.self) {
            try builder.append(customerIDs: ["bob", "cy"], days: [day("2026-01-06")], totals: [500, 700])
        }
        #expect(short?.message == "columns of 2 customer ids, 1 days and 2 totals; give one of each per order")
        let negative = #expect(throws: MetricsError.self) {
            try builder.append(customerIDs: ["bob", "cy"], days: [day("2026-01-06"), day("2026-01-07")], totals: [500, -700])
        }
        #expect(negative?.message.hasPrefix("row 1: total -700 is negative") == true)
        let history = builder.build()
        #expect(history.customerIDs == ["ada"])
        #expect(history.report.ordersGiven == 1)
    }
}
