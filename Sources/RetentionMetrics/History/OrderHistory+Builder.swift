import Dispatch
import RetentionKit

extension OrderHistory {
    /// Builds an ``OrderHistory`` order by order, keeping only the few columns the metrics need,
    /// so ten million orders never sit in memory as ``Order`` values.
    ///
    /// ```swift
    /// var builder = OrderHistory.Builder(currency: .gbp)
    /// for row in rows {
    ///     try builder.append(orderID: row.invoice, customerID: row.customer, day: row.day, total: row.pence)
    /// }
    /// let history = builder.build()
    /// ```
    public struct Builder: Sendable {
        let currency: Currency
        let rules: HygieneRules
        let cut: Cut?
        let directory: ProfileDirectory
        /// Customers in the segment or membership group the cut names, by survivor id.
        let allowed: Set<String>?

        var report = HygieneReport()
        /// The customer of each counted order, numbered when the history is built.
        var customerIDs: [String] = []
        var day: [Int32] = []
        var revenue: [Int64] = []
        /// The order (its row) each refund counted in its own period belongs to.
        var adjustmentRow: [Int32] = []
        var adjustmentDay: [Int32] = []
        var adjustmentAmount: [Int64] = []
        var spanCustomerIDs: [String] = []
        var spans: [(begin: Int32, end: Int32)] = []

        /// - Parameters:
        ///   - currency: the currency of every order; an order in another is refused.
        ///   - customers: profiles, for merging duplicates and for segment and membership cuts.
        ///   - subscriptions: active spans, for counting customers by subscription.
        ///   - rules: which orders count.
        ///   - cut: the slice of the store to keep.
        public init(
            currency: Currency, customers: [CustomerDetails] = [], subscriptions: [SubscriptionSpan] = [],
            rules: HygieneRules = HygieneRules(), cut: Cut? = nil
        ) {
            self.currency = currency
            self.rules = rules
            self.cut = cut
            directory = ProfileDirectory(customers, merge: rules.mergeDuplicateProfiles)
            report.mergedProfiles = directory.mergedCount
            switch cut {
            case .segment(let name):
                allowed = Set(directory.profiles.values.filter { $0.segments.contains(name) }.map(\.id))
            case .loyaltyMembers(let members):
                // Customers without a profile are not members.
                allowed = members ? Set(directory.profiles.values.filter(\.isLoyaltyMember).map(\.id)) : nil
            default:
                allowed = nil
            }
            for span in subscriptions {
                let id = directory.survivor(of: span.customerID)
                guard isAllowed(id) else { continue }
                let end = span.end.map(\.number) ?? Int32.max
                guard end > span.start.number else { continue }
                spanCustomerIDs.append(id)
                spans.append((span.start.number, end))
            }
        }

        /// Counts an order in another currency as given and left out, for a store that takes
        /// several currencies and is measured in one.
        public mutating func skipOtherCurrency() {
            report.ordersGiven += 1
            report.otherCurrency += 1
        }

        /// Makes room for this many orders.
        public mutating func reserveCapacity(_ count: Int) {
            customerIDs.reserveCapacity(count)
            day.reserveCapacity(count)
            revenue.reserveCapacity(count)
        }

        private func isAllowed(_ survivorID: String) -> Bool {
            if let allowed {
                return allowed.contains(survivorID)
            }
            if case .loyaltyMembers(false) = cut {
                return directory.profiles[survivorID]?.isLoyaltyMember != true
            }
            return true
        }

        /// Adds one order, or counts why it does not count.
        ///
        /// Throws for an order in another currency, with a negative total or refund, or
        /// refunded for more than its total: the history is unchanged and the caller can go on.
        public mutating func append(_ order: OrderRecord) throws(MetricsError) {
            guard order.total.currency == currency else {
                throw MetricsError(.badOrder, "order \(order.id): currency \(order.total.currency.code), but these metrics are in \(currency.code); convert it first or build one history per currency")
            }
            var categoryShare: Int64? = nil
            switch cut {
            case .channel(let name) where order.channel != name:
                report.ordersGiven += 1
                report.outsideCut += 1
                return
            case .category(let name):
                let amount = order.lines.reduce(Int64(0)) { $1.category == name ? $0 + $1.amount : $0 }
                guard order.lines.contains(where: { $0.category == name }) else {
                    report.ordersGiven += 1
                    report.outsideCut += 1
                    return
                }
                categoryShare = amount
            default:
                break
            }
            try append(
                orderID: order.id, customerID: order.customerID, day: order.day, total: order.total.minorUnits,
                refunds: order.refunds, isCancelled: order.isCancelled, isTest: order.isTest, countedPart: categoryShare)
        }

        /// Adds one order from its plain parts (the fast path for large imports; no channel or
        /// category, so channel and category cuts leave it out).
        ///
        /// - Parameters:
        ///   - total: what was paid, in minor units of the history's currency.
        ///   - refunds: refunds and returns against it.
        public mutating func append(
            orderID: String, customerID: String, day: Day, total: Int64, refunds: [OrderRecord.Refund] = [],
            isCancelled: Bool = false, isTest: Bool = false
        ) throws(MetricsError) {
            switch cut {
            case .channel, .category:
                report.ordersGiven += 1
                report.outsideCut += 1
            default:
                try append(
                    orderID: orderID, customerID: customerID, day: day, total: total, refunds: refunds,
                    isCancelled: isCancelled, isTest: isTest, countedPart: nil)
            }
        }

        /// Adds many orders given as columns, one element per order: the fast path for a log
        /// already in memory (an analyst's frame). The same checks and rules as appending them
        /// one by one; without merges, cuts or zero totals to leave out it copies the columns
        /// whole.
        ///
        /// Throws for columns of different lengths or a negative total, naming the row; then
        /// none of these orders is added, and the history keeps what it had.
        ///
        /// - Parameter totals: what each order paid, in minor units of the history's currency.
        public mutating func append(customerIDs: [String], days: [Day], totals: [Int64]) throws(MetricsError) {
            guard customerIDs.count == days.count && days.count == totals.count else {
                throw MetricsError(.badOrder, "columns of \(customerIDs.count) customer ids, \(days.count) days and \(totals.count) totals; give one of each per order")
            }
            if let row = totals.firstIndex(where: { $0 < 0 }) {
                throw MetricsError(.badOrder, "row \(row): total \(totals[row]) is negative; record money paid back as a OrderRecord.Refund on the order it belongs to")
            }
            switch cut {
            case .channel, .category:
                report.ordersGiven += totals.count
                report.outsideCut += totals.count
                return
            default:
                break
            }
            let keepsEveryRow = directory.survivorOf.isEmpty && allowed == nil && !isCutByMembership
                && !(rules.skipZeroValue && totals.contains(0))
            guard keepsEveryRow else {
                for row in totals.indices {
                    try append(
                        orderID: "row \(row)", customerID: customerIDs[row], day: days[row], total: totals[row], refunds: [],
                        isCancelled: false, isTest: false, countedPart: nil)
                }
                return
            }
            report.ordersGiven += totals.count
            report.ordersCounted += totals.count
            self.customerIDs += customerIDs
            day += days.map(\.number)
            revenue += totals
        }

        /// Whether the cut keeps or leaves out loyalty members (which needs each customer looked up).
        private var isCutByMembership: Bool {
            if case .loyaltyMembers = cut { return true }
            return false
        }

        private mutating func append(
            orderID: String, customerID: String, day orderDay: Day, total: Int64, refunds: [OrderRecord.Refund],
            isCancelled: Bool, isTest: Bool, countedPart: Int64?
        ) throws(MetricsError) {
            guard total >= 0 else {
                throw MetricsError(.badOrder, "order \(orderID): total \(total) is negative; record money paid back as a OrderRecord.Refund on the order it belongs to")
            }
            var refunded: Int64 = 0
            for refund in refunds {
                guard refund.amount >= 0 else {
                    throw MetricsError(.badOrder, "order \(orderID): a refund of \(refund.amount) is negative; give refunds as positive amounts")
                }
                refunded += refund.amount
            }
            guard refunded <= total else {
                throw MetricsError(.badOrder, "order \(orderID): refunds of \(refunded) exceed its total of \(total) (minor units); check that the refunds belong to this order")
            }
            report.ordersGiven += 1
            if rules.skipCancelled && isCancelled { report.cancelled += 1; return }
            if rules.skipTestOrders && isTest { report.testOrders += 1; return }
            if rules.skipZeroValue && total == 0 { report.zeroValue += 1; return }
            if rules.skipFullyRefunded && total > 0 && refunded == total { report.fullyRefunded += 1; return }
            let id = directory.survivor(of: customerID)
            guard isAllowed(id) else { report.outsideCut += 1; return }

            // A category cut counts only that category's part of the order, and of its refunds
            // the same proportion.
            let gross = countedPart ?? total
            let refundedPart = countedPart.map { share(of: refunded, part: $0, whole: total) } ?? refunded
            let row = Int32(customerIDs.count)
            customerIDs.append(id)
            day.append(orderDay.number)
            report.ordersCounted += 1
            if !rules.subtractRefunds || refunded == 0 {
                revenue.append(gross)
            } else if rules.refundsToOrderPeriod {
                revenue.append(gross - refundedPart)
            } else {
                revenue.append(gross)
                for refund in refunds where refund.amount > 0 {
                    adjustmentRow.append(row)
                    adjustmentDay.append(refund.day.number)
                    adjustmentAmount.append(-(countedPart.map { share(of: refund.amount, part: $0, whole: total) } ?? refund.amount))
                }
            }
        }

        /// `amount × part ÷ whole`, rounded down, without overflow.
        private func share(of amount: Int64, part: Int64, whole: Int64) -> Int64 {
            guard whole > 0 else { return 0 }
            let product = amount.multipliedFullWidth(by: part)
            return whole.dividingFullWidth(product).quotient
        }

        /// The history, with each customer's orders in day order.
        public func build() -> OrderHistory {
            // Customers are numbered by first appearance: subscribers first, then orders.
            let numbered = CustomerInterner.numberAll(spanCustomerIDs, customerIDs)
            let ids = numbered.ids
            let spanCustomer = Array(numbered.numbers[..<spans.count])
            let customer = Array(numbered.numbers[spans.count...])
            let adjustmentCustomer = adjustmentRow.map { customer[Int($0)] }
            var keep: [Bool]? = nil
            if case .tenure(let days, let asOf) = cut {
                var first = [Int32](repeating: Int32.max, count: ids.count)
                for (key, orderDay) in zip(customer, day) where orderDay < first[Int(key)] { first[Int(key)] = orderDay }
                keep = first.map { $0 != Int32.max && days.contains(Int(asOf.number) - Int($0)) }
            }
            // Customers are renumbered so that dropped ones leave no gap.
            var newIndex: [Int32]? = nil
            var keptIDs = ids
            var report = report
            if let keep {
                var renumbered = [Int32](repeating: -1, count: ids.count)
                keptIDs = []
                for old in ids.indices where keep[old] {
                    renumbered[old] = Int32(keptIDs.count)
                    keptIDs.append(ids[old])
                }
                let dropped = customer.reduce(0) { $0 + (renumbered[Int($1)] < 0 ? 1 : 0) }
                report.outsideCut += dropped
                report.ordersCounted -= dropped
                newIndex = renumbered
            }
            let orders = Self.group(keys: customer, days: day, values: revenue, newIndex: newIndex, customers: keptIDs.count)
            let adjustments = Self.group(
                keys: adjustmentCustomer, days: adjustmentDay, values: adjustmentAmount, newIndex: newIndex, customers: keptIDs.count)
            let spanOrder = Self.group(
                keys: spanCustomer, days: spans.map(\.begin), values: spans.map { Int64($0.end) },
                newIndex: newIndex, customers: keptIDs.count)
            var member = [Bool](repeating: false, count: keptIDs.count)
            for (index, id) in keptIDs.enumerated() { member[index] = directory.profiles[id]?.isLoyaltyMember ?? false }
            return OrderHistory(
                currency: currency, rules: rules, report: report, customerIDs: keptIDs,
                orderStart: orders.start, orderDay: orders.days, orderRevenue: orders.values,
                adjustmentStart: adjustments.start, adjustmentDay: adjustments.days, adjustmentAmount: adjustments.values,
                spanStart: spanOrder.start, spanBegin: spanOrder.days, spanEnd: spanOrder.values.map { Int32($0) },
                isMember: member, survivorOf: directory.survivorOf)
        }

        /// Rows grouped by (renumbered) customer, in day order within each, by a counting sort:
        /// linear in the rows, where a comparison sort of ten million rows is not.
        private static func group(
            keys: [Int32], days: [Int32], values: [Int64], newIndex: [Int32]?, customers: Int
        ) -> (start: [Int], days: [Int32], values: [Int64]) {
            // Without a cut every customer keeps its number, and the lookup is skipped: each
            // is a cache miss in a million customers.
            @Sendable @inline(__always) func customer(_ key: Int32) -> Int32 { newIndex?[Int(key)] ?? key }
            var counts = [Int32](repeating: 0, count: customers + 1)
            for key in keys {
                let index = customer(key)
                if index >= 0 { counts[Int(index) + 1] &+= 1 }
            }
            var start = [Int](repeating: 0, count: customers + 1)
            for index in 0..<customers { start[index + 1] = start[index] + Int(counts[index + 1]) }
            precondition(start[customers] < Int(Int32.max), "more than 2³¹ orders in one history; build one per period")
            // The write cursor per customer, as 32-bit offsets: half the memory of `start`.
            var next = start.map { Int32(truncatingIfNeeded: $0) }
            counts = []
            // Every slot is written once (the counts made exactly as many), so the arrays are
            // not filled first.
            let rows = start[customers]
            var sortedValues: [Int64] = []
            // Each task owns a run of customers, whose rows go to one run of slots: it reads
            // every row and writes its customers' only, so no slot has two writers.
            let tasks = keys.count > 200_000 ? processorCount : 1
            let starts = start
            let sortedDays = [Int32](unsafeUninitializedCapacity: rows) { daysBuffer, daysInitialized in
                sortedValues = [Int64](unsafeUninitializedCapacity: rows) { valuesBuffer, valuesInitialized in
                    next.withUnsafeMutableBufferPointer { nextBuffer in
                        let next = DisjointWrites(nextBuffer), daysOut = DisjointWrites(daysBuffer)
                        let valuesOut = DisjointWrites(valuesBuffer)
                        DispatchQueue.concurrentPerform(iterations: tasks) { task in
                            let mine = Int32(task * customers / tasks)..<Int32((task + 1) * customers / tasks)
                            for row in keys.indices {
                                let index = customer(keys[row])
                                guard mine.contains(index) else { continue }
                                let slot = Int(next[Int(index)])
                                daysOut[slot] = days[row]
                                valuesOut[slot] = values[row]
                                next[Int(index)] = Int32(truncatingIfNeeded: slot + 1)
                            }
                            // Rows usually arrive in day order already; sort only the customers
                            // whose do not.
                            for customer in Int(mine.lowerBound)..<Int(mine.upperBound) {
                                let range = starts[customer]..<starts[customer + 1]
                                guard range.count > 1 else { continue }
                                var ordered = true
                                for index in range.dropFirst() where daysOut[index] < daysOut[index - 1] {
                                    ordered = false
                                    break
                                }
                                guard !ordered else { continue }
                                let pairs = range.map { (daysOut[$0], valuesOut[$0]) }.sorted { $0.0 < $1.0 }
                                for (offset, pair) in pairs.enumerated() {
                                    daysOut[range.lowerBound + offset] = pair.0
                                    valuesOut[range.lowerBound + offset] = pair.1
                                }
                            }
                        }
                    }
                    valuesInitialized = rows
                }
                daysInitialized = rows
            }
            return (start, sortedDays, sortedValues)
        }
    }
}
