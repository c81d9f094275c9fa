import RetentionKit

/// Loyalty members beside everybody else over one period: do members buy again more often,
/// and do fewer of them leave?
///
/// ```swift
/// let history = try OrderHistory(orders: orders, customers: profiles, currency: .usd)
/// let year = try history.membershipComparison(from: try Day(iso: "2026-01-01"), to: try Day(iso: "2026-12-31"))
/// year.members.behaviour.repeatPurchaseRate      // members with 2+ orders in the year, %
/// year.nonMembers.retention.churn                // churn of everybody else, %
/// ```
public struct MembershipComparison: Hashable, Sendable {
    /// Customers whose profile says ``CustomerDetails/isLoyaltyMember``.
    public var members: GroupFigures
    /// Everybody else, customers without a profile included.
    public var nonMembers: GroupFigures

    /// Repeat purchases and retention of one group over the period.
    public struct GroupFigures: Hashable, Sendable {
        /// Customers in the group with a counted order or subscription, ever.
        public var customers: Int
        /// Order value, frequency and the repeat purchase rate over orders placed in the period.
        public var behaviour: PurchaseBehaviour
        /// Retention and churn over the period.
        public var retention: RetentionRate

        public init(customers: Int, behaviour: PurchaseBehaviour, retention: RetentionRate) {
            self.customers = customers
            self.behaviour = behaviour
            self.retention = retention
        }
    }

    public init(members: GroupFigures, nonMembers: GroupFigures) {
        self.members = members
        self.nonMembers = nonMembers
    }
}

extension OrderHistory {
    /// Repeat purchase rate and retention of loyalty members and of everybody else, over
    /// `from...to` (membership as the profiles given to the history say).
    public func membershipComparison(
        from: Day, to: Day, counting definition: CustomerDefinition = .standard
    ) throws(MetricsError) -> MembershipComparison {
        func figures(_ members: Bool) throws(MetricsError) -> MembershipComparison.GroupFigures {
            let group = keepingCustomers { isMember[$0] == members }
            return MembershipComparison.GroupFigures(
                customers: group.customerCount,
                behaviour: try group.purchaseBehaviour(from: from, to: to),
                retention: try group.retentionRate(from: from, to: to, counting: definition))
        }
        return MembershipComparison(members: try figures(true), nonMembers: try figures(false))
    }

    /// The same history with only the customers `keep` accepts (by index), and their orders,
    /// refunds and subscriptions.
    func keepingCustomers(_ keep: (Int) -> Bool) -> OrderHistory {
        var ids: [String] = []
        var orderStart = [0], adjustmentStart = [0], spanStart = [0]
        var orderDay: [Int32] = [], orderRevenue: [Int64] = []
        var adjustmentDay: [Int32] = [], adjustmentAmount: [Int64] = []
        var spanBegin: [Int32] = [], spanEnd: [Int32] = []
        var member: [Bool] = []
        for customer in 0..<customerCount where keep(customer) {
            ids.append(customerIDs[customer])
            member.append(isMember[customer])
            let orders = orders(of: customer)
            orderDay += self.orderDay[orders]
            orderRevenue += self.orderRevenue[orders]
            orderStart.append(orderDay.count)
            if !self.adjustmentDay.isEmpty {
                let adjustments = self.adjustmentStart[customer]..<self.adjustmentStart[customer + 1]
                adjustmentDay += self.adjustmentDay[adjustments]
                adjustmentAmount += self.adjustmentAmount[adjustments]
            }
            adjustmentStart.append(adjustmentDay.count)
            let spans = self.spanStart[customer]..<self.spanStart[customer + 1]
            spanBegin += self.spanBegin[spans]
            spanEnd += self.spanEnd[spans]
            spanStart.append(spanBegin.count)
        }
        return OrderHistory(
            currency: currency, rules: rules, report: report, customerIDs: ids,
            orderStart: orderStart, orderDay: orderDay, orderRevenue: orderRevenue,
            adjustmentStart: adjustmentStart, adjustmentDay: adjustmentDay, adjustmentAmount: adjustmentAmount,
            spanStart: spanStart, spanBegin: spanBegin, spanEnd: spanEnd, isMember: member, survivorOf: survivorOf)
    }
}
