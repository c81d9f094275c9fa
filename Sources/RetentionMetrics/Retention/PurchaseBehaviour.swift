import RetentionKit

/// How customers bought in a period: order value, frequency, repeat purchases and the gaps
/// between purchases.
public struct PurchaseBehaviour: Hashable, Sendable {
    /// Customers with at least one counted order in the period.
    public var customers: Int
    /// Counted orders in the period.
    public var orders: Int
    /// Their net revenue, in minor units.
    public var revenue: Int64
    /// Customers with two or more orders in the period.
    public var repeatCustomers: Int
    /// Gaps between consecutive purchase days of the same customer within the period: how many,
    /// and their total in days.
    public var gapCount: Int
    public var gapDays: Int

    /// Revenue ÷ orders, in minor units (nil without orders).
    public var averageOrderValue: Double? { orders == 0 ? nil : Double(revenue) / Double(orders) }
    /// Orders ÷ customers (nil without customers).
    public var purchaseFrequency: Double? { customers == 0 ? nil : Double(orders) / Double(customers) }
    /// Customers with two or more orders ÷ customers × 100.
    public var repeatPurchaseRate: Double? { customers == 0 ? nil : Double(repeatCustomers) / Double(customers) * 100 }
    /// The mean gap between a customer's consecutive purchase days (orders on one day are one purchase).
    public var averageDaysBetweenOrders: Double? { gapCount == 0 ? nil : Double(gapDays) / Double(gapCount) }

    public init(customers: Int, orders: Int, revenue: Int64, repeatCustomers: Int, gapCount: Int, gapDays: Int) {
        self.customers = customers
        self.orders = orders
        self.revenue = revenue
        self.repeatCustomers = repeatCustomers
        self.gapCount = gapCount
        self.gapDays = gapDays
    }
}

/// Of the customers whose first order fell in a period, how many bought again within N days.
public struct SecondPurchaseRate: Hashable, Sendable {
    /// Days allowed after the first order.
    public var withinDays: Int
    /// Customers acquired in the period who could be watched for the full N days before the
    /// observation end (the others are left out, not counted as failures).
    public var eligible: Int
    /// Those who bought again, on a later day, within N days.
    public var returned: Int

    /// returned ÷ eligible × 100.
    public var rate: Double? { eligible == 0 ? nil : Double(returned) / Double(eligible) * 100 }

    public init(withinDays: Int, eligible: Int, returned: Int) {
        self.withinDays = withinDays
        self.eligible = eligible
        self.returned = returned
    }
}

extension OrderHistory {
    /// Order value, frequency, repeat rate and days between orders over orders placed in
    /// `from...to`.
    public func purchaseBehaviour(from: Day, to: Day) throws(MetricsError) -> PurchaseBehaviour {
        guard from <= to else {
            throw MetricsError(.badArgument, "the period \(from.iso)…\(to.iso) ends before it starts; give the earlier day first")
        }
        var result = PurchaseBehaviour(customers: 0, orders: 0, revenue: 0, repeatCustomers: 0, gapCount: 0, gapDays: 0)
        for customer in 0..<customerCount {
            var count = 0
            var previousDay: Int32? = nil
            for index in orders(of: customer) {
                let day = orderDay[index]
                guard day >= from.number else { continue }
                guard day <= to.number else { break }
                count += 1
                result.revenue += orderRevenue[index]
                if let previousDay, day != previousDay {
                    result.gapCount += 1
                    result.gapDays += Int(day - previousDay)
                }
                previousDay = day
            }
            guard count > 0 else { continue }
            result.customers += 1
            result.orders += count
            if count >= 2 { result.repeatCustomers += 1 }
        }
        return result
    }

    /// The share of customers acquired in `from...to` who placed a second order on a later day
    /// within `days` days of their first, watching no later than `observationEnd`.
    public func secondPurchaseRate(within days: Int, acquiredFrom from: Day, to: Day, observationEnd: Day) throws(MetricsError)
        -> SecondPurchaseRate
    {
        guard days >= 1 else {
            throw MetricsError(.badArgument, "a second purchase within \(days) days cannot happen; give at least 1 day")
        }
        var result = SecondPurchaseRate(withinDays: days, eligible: 0, returned: 0)
        for customer in 0..<customerCount {
            let range = orders(of: customer)
            guard let first = range.first.map({ orderDay[$0] }), first >= from.number, first <= to.number,
                Int(observationEnd.number) - Int(first) >= days
            else { continue }
            result.eligible += 1
            if range.contains(where: { orderDay[$0] > first && Int(orderDay[$0]) - Int(first) <= days }) {
                result.returned += 1
            }
        }
        return result
    }

    /// What each customer has spent up to and including `asOf`, net of refunds, in minor units:
    /// historic customer lifetime value, in the order of ``customerIDs``.
    public func historicValue(asOf: Day) -> [Int64] {
        (0..<customerCount).map { revenue(of: $0, from: Int32.min, to: asOf.number) }
    }
}
