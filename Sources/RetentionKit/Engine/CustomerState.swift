/// Everything the engine keeps about one customer.
public struct CustomerState: Sendable {
    var profile: CustomerProfile
    let createdOn: Day
    var account: LoyaltyAccount
    var orders: [String: OrderRecord] = [:]
    var orderDays: [Day] = []
    var spent: [Currency: Int64] = [:]
    var reviewCount = 0
    /// Rewarded reviews: review id to product.
    var rewardedReviews: [String: String] = [:]
    /// Awards by what earned them ("order:1001", "review:r-7"), in the order they were made.
    var awards: [String: [AwardRecord]] = [:]

    init(profile: CustomerProfile, createdOn: Day, policy: LedgerPolicy) {
        self.profile = profile
        self.createdOn = createdOn
        account = LoyaltyAccount(policy: policy)
    }

    mutating func update(with change: CustomerProfile) {
        if let email = change.email { profile.email = email }
        if let name = change.name { profile.name = name }
        if let birthday = change.birthday { profile.birthday = birthday }
        if let referredBy = change.referredBy { profile.referredBy = referredBy }
        if let tags = change.tags { profile.tags = tags }
        if let attributes = change.attributes { profile.attributes = attributes }
    }

    func view(on day: Day) -> CustomerView {
        let balance = account.balance(on: max(day, account.today ?? day))
        let average: Double? =
            orderDays.count >= 2 ? Double(orderDays[orderDays.count - 1] - orderDays[0]) / Double(orderDays.count - 1) : nil
        return CustomerView(
            id: profile.id, email: profile.email, createdOn: createdOn, birthday: profile.birthday,
            tags: profile.tags ?? [], attributes: profile.attributes ?? [:], orderCount: orderDays.count, totalSpent: spent,
            firstOrderDay: orderDays.first, lastOrderDay: orderDays.last, daysSinceLastOrder: orderDays.last.map { day - $0 },
            averageDaysBetweenOrders: average, pointsAvailable: balance.available, pointsPending: balance.pending,
            lifetimePoints: Points(account.totals.earned), reviewCount: reviewCount,
            rewardedReviewSKUs: Set(rewardedReviews.values))
    }

    func snapshot(of orderID: String) -> OrderSnapshot? {
        guard let record = orders[orderID] else { return nil }
        return OrderSnapshot(
            order: record.order, refunded: record.refunded, closed: record.closed, returnedQuantity: record.returnedQuantity,
            awards: awards["order:\(orderID)"] ?? [])
    }

    func award(_ index: Int, in group: String) -> AwardRecord? {
        guard let list = awards[group], list.indices.contains(index) else { return nil }
        return list[index]
    }

    mutating func recordOrder(_ order: Order, on day: Day) {
        orders[order.id] = OrderRecord(order: order)
        orderDays.append(day)
        spent[order.currency, default: 0] += order.total.minorUnits
    }

    mutating func recordRefund(_ amount: Int64, of orderID: String) {
        guard let currency = orders[orderID]?.order.currency else { return }
        orders[orderID]?.refunded += amount
        spent[currency, default: 0] -= amount
    }

    mutating func recordReturn(_ quantities: [Int: Int64], of orderID: String) {
        for (line, quantity) in quantities { orders[orderID]?.returnedQuantity[line, default: 0] += quantity }
    }

    mutating func closeOrder(_ orderID: String) {
        guard let record = orders[orderID] else { return }
        // Money not refunded yet no longer counts as spent.
        spent[record.order.currency, default: 0] -= record.order.total.minorUnits - record.refunded
        orders[orderID]?.refunded = record.order.total.minorUnits
        orders[orderID]?.closed = true
    }

    mutating func recordAward(_ award: AwardRecord, in group: String) {
        awards[group, default: []].append(award)
    }

    mutating func recordReversal(_ points: Int64, of index: Int, in group: String) {
        awards[group]?[index].reversed += points
    }

    /// A ledger operation the engine has already validated; a refusal here is a bug.
    mutating func mustApply(_ body: (inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome) -> LedgerOutcome {
        do {
            return try body(&account)
        } catch {
            preconditionFailure("the engine validated this ledger operation, but the ledger refused it: \(error)")
        }
    }
}

/// An order as the engine keeps it.
struct OrderRecord: Sendable {
    var order: Order
    var refunded: Int64 = 0
    var closed = false
    /// Units refunded or returned, by line index.
    var returnedQuantity: [Int: Int64] = [:]
}

/// An order with its awards, as the engine reads it to decide a reversal.
struct OrderSnapshot {
    var order: Order
    var refunded: Int64
    var closed: Bool
    var returnedQuantity: [Int: Int64]
    var awards: [AwardRecord]
}

/// An award the engine made, and how much of it has been reversed.
struct AwardRecord: Sendable {
    var key: String
    var points: Int64
    var perLine: [Int: Int64]
    var reversed: Int64 = 0
}
