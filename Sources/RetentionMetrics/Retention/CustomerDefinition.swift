/// Who counts as a customer on a given day, for retention and churn.
///
/// ```swift
/// let rate = try history.retentionRate(from: start, to: end, counting: .activeWindow(days: 180))
/// ```
public enum CustomerDefinition: Hashable, Sendable {
    /// A customer whose last counted order was at most `days` days before (the order's own day
    /// counts as day 0, so `days: 365` keeps a customer for 365 days after each order).
    /// Acquisition is the first counted order.
    case activeWindow(days: Int)
    /// A customer with an active subscription that day. Acquisition is the first subscription's start.
    case activeSubscription

    /// The default: an order in the last 365 days.
    public static let standard = CustomerDefinition.activeWindow(days: 365)
}

extension OrderHistory {
    /// True when customer c counts as a customer on `day`.
    func isCustomer(_ customer: Int, on day: Int32, _ definition: CustomerDefinition) -> Bool {
        switch definition {
        case .activeWindow(let window):
            // The last order on or before `day`.
            let range = orders(of: customer)
            var low = range.lowerBound, high = range.upperBound
            while low < high {
                let middle = (low + high) / 2
                if orderDay[middle] <= day { low = middle + 1 } else { high = middle }
            }
            guard low > range.lowerBound else { return false }
            return Int(day) - Int(orderDay[low - 1]) < window
        case .activeSubscription:
            for index in spanStart[customer]..<spanStart[customer + 1] where spanBegin[index] <= day && day < spanEnd[index] {
                return true
            }
            return false
        }
    }

    /// The day customer c was acquired under the definition, if ever.
    func acquisitionDay(of customer: Int, _ definition: CustomerDefinition) -> Int32? {
        switch definition {
        case .activeWindow:
            return firstOrderDay(of: customer)
        case .activeSubscription:
            let range = spanStart[customer]..<spanStart[customer + 1]
            return range.isEmpty ? nil : spanBegin[range].min()
        }
    }

    func validate(_ definition: CustomerDefinition) throws(MetricsError) {
        if case .activeWindow(let days) = definition, days < 1 {
            throw MetricsError(.badArgument, "an active window of \(days) days counts nobody; give at least 1 day (the default is 365)")
        }
    }
}
