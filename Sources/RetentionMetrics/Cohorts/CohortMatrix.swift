import RetentionKit

/// Acquisition cohorts × periods since acquisition: how many of each cohort bought again in each
/// later period, and what they spent.
///
/// A customer belongs to the cohort of the calendar period of their first counted order; period
/// 0 is that period, period k the k-th after it. A customer is active in a period when they
/// placed at least one counted order in it.
///
/// ```swift
/// let matrix = try history.cohortMatrix(by: .month, observationEnd: try Day(iso: "2026-06-30"))
/// for cohort in matrix.cohorts {
///     print(cohort.start.iso, cohort.size, cohort.retention.map { String(format: "%.0f%%", $0) })
/// }
/// ```
public struct CohortMatrix: Hashable, Sendable {
    /// One acquisition cohort's row.
    public struct Cohort: Hashable, Sendable {
        /// The first day of the acquisition period.
        public var start: Day
        /// Customers acquired in it.
        public var size: Int
        /// Active customers by period since acquisition (index 0 is the acquisition period and
        /// equals `size`), up to the observation end.
        public var active: [Int]
        /// Net revenue by period since acquisition, in minor units.
        public var revenue: [Int64]

        /// active ÷ size × 100 by period since acquisition.
        public var retention: [Double] { active.map { size == 0 ? 0 : Double($0) / Double(size) * 100 } }
        /// The cohort's revenue over every period.
        public var totalRevenue: Int64 { revenue.reduce(0, +) }
    }

    /// Weeks, months, quarters or years.
    public var period: CalendarPeriod
    /// The last day observed.
    public var observationEnd: Day
    /// Cohorts in time order; only periods with at least one customer acquired appear.
    public var cohorts: [Cohort]
}

extension OrderHistory {
    /// The cohort matrix over the orders placed up to `observationEnd`.
    public func cohortMatrix(by period: CalendarPeriod = .month, observationEnd: Day) throws(MetricsError) -> CohortMatrix {
        var firstDay = Int32.max, lastDay = Int32.min
        for customer in 0..<customerCount {
            guard let first = firstOrderDay(of: customer), first <= observationEnd.number else { continue }
            firstDay = min(firstDay, first)
            lastDay = max(lastDay, orderDay[orders(of: customer).upperBound - 1])
        }
        guard firstDay != Int32.max else {
            return CohortMatrix(period: period, observationEnd: observationEnd, cohorts: [])
        }
        lastDay = min(lastDay, observationEnd.number)
        // The period index of every day in range, computed once.
        let firstIndex = period.index(of: Day(number: firstDay))
        let periodOf = (firstDay...lastDay).map { period.index(of: Day(number: $0)) - firstIndex }
        let periods = period.index(of: Day(number: lastDay)) - firstIndex + 1
        var size = [Int](repeating: 0, count: periods)
        var active = [Int](repeating: 0, count: periods * periods)
        var revenue = [Int64](repeating: 0, count: periods * periods)
        for customer in 0..<customerCount {
            let range = orders(of: customer)
            guard let first = range.first.map({ orderDay[$0] }), first <= observationEnd.number else { continue }
            let cohort = periodOf[Int(first - firstDay)]
            size[cohort] += 1
            var lastSeen = -1
            for index in range {
                let day = orderDay[index]
                if day > observationEnd.number { break }
                let offset = periodOf[Int(day - firstDay)] - cohort
                if offset != lastSeen {
                    active[cohort * periods + offset] += 1
                    lastSeen = offset
                }
                revenue[cohort * periods + offset] += orderRevenue[index]
            }
        }
        var cohorts: [CohortMatrix.Cohort] = []
        for cohort in 0..<periods where size[cohort] > 0 {
            let width = periods - cohort
            cohorts.append(
                CohortMatrix.Cohort(
                    start: period.firstDay(ofIndex: firstIndex + cohort), size: size[cohort],
                    active: Array(active[(cohort * periods)..<(cohort * periods + width)]),
                    revenue: Array(revenue[(cohort * periods)..<(cohort * periods + width)])))
        }
        return CohortMatrix(period: period, observationEnd: observationEnd, cohorts: cohorts)
    }
}
