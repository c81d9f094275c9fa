import RetentionKit

/// The unit of time the models' parameters and predictions are in.
public enum TimeUnit: String, Hashable, Sendable {
    case days, weeks

    /// Days in one unit.
    public var days: Double { self == .days ? 1 : 7 }
}

/// Each customer's purchase history boiled down to what the BG/NBD and Gamma-Gamma models read,
/// as of an observation end.
///
/// Purchases are counted by day: several orders on one day are one purchase, worth their sum.
/// - `frequency` (x): repeat purchase days, that is purchase days after the first.
/// - `recency` (tₓ): time from the first purchase day to the last (0 without repeats).
/// - `age` (T): time from the first purchase day to the observation end.
/// - `monetary` (m): the mean net value of the repeat purchase days, in major units of the
///   currency, leaving out the first purchase (0 without repeats).
///
/// Customers whose first purchase comes after the observation end are left out; orders after it
/// are ignored.
///
/// ```swift
/// let summary = history.purchaseSummary(observationEnd: try Day(iso: "2026-06-30"), unit: .weeks)
/// let fit = try summary.fitBetaGeo()
/// ```
public struct PurchaseSummary: Sendable {
    /// The last day observed.
    public let observationEnd: Day
    /// The unit of `recency` and `age`.
    public let unit: TimeUnit
    /// The customers summarised, as ids.
    public let customerIDs: [String]
    /// Repeat purchase days.
    public let frequency: [Int32]
    /// Days from the first purchase to the last (recency in days).
    let recencyDays: [Int32]
    /// Days from the first purchase to the observation end (age in days).
    let ageDays: [Int32]
    /// Mean value of the repeat purchase days, in major units.
    public let monetary: [Double]

    /// Recency in ``unit``s.
    public var recency: [Double] { recencyDays.map { Double($0) / unit.days } }
    /// Age (T) in ``unit``s.
    public var age: [Double] { ageDays.map { Double($0) / unit.days } }
    /// How many customers are summarised.
    public var count: Int { frequency.count }

    init(observationEnd: Day, unit: TimeUnit, customerIDs: [String], frequency: [Int32], recencyDays: [Int32], ageDays: [Int32], monetary: [Double]) {
        self.observationEnd = observationEnd
        self.unit = unit
        self.customerIDs = customerIDs
        self.frequency = frequency
        self.recencyDays = recencyDays
        self.ageDays = ageDays
        self.monetary = monetary
    }
}

extension OrderHistory {
    /// The recency, frequency, age and monetary summary of every customer who bought by `observationEnd`.
    public func purchaseSummary(observationEnd: Day, unit: TimeUnit = .days) -> PurchaseSummary {
        var ids: [String] = []
        var frequency: [Int32] = [], recency: [Int32] = [], age: [Int32] = []
        var monetary: [Double] = []
        ids.reserveCapacity(customerCount)
        frequency.reserveCapacity(customerCount)
        recency.reserveCapacity(customerCount)
        age.reserveCapacity(customerCount)
        monetary.reserveCapacity(customerCount)
        let end = observationEnd.number
        let perMajor = Double(currency.minorUnitsPerMajor)
        for customer in 0..<customerCount {
            let range = orders(of: customer)
            guard let firstIndex = range.first, orderDay[firstIndex] <= end else { continue }
            let first = orderDay[firstIndex]
            var last = first
            var repeatDays: Int32 = 0
            var repeatValue: Int64 = 0
            for index in range.dropFirst() {
                let day = orderDay[index]
                if day > end { break }
                // Another order on the first day is part of the first purchase.
                if day == first { continue }
                if day != last {
                    repeatDays += 1
                    last = day
                }
                repeatValue += orderRevenue[index]
            }
            ids.append(customerIDs[customer])
            frequency.append(repeatDays)
            recency.append(last - first)
            age.append(end - first)
            monetary.append(repeatDays == 0 ? 0 : Double(repeatValue) / perMajor / Double(repeatDays))
        }
        return PurchaseSummary(
            observationEnd: observationEnd, unit: unit, customerIDs: ids, frequency: frequency, recencyDays: recency,
            ageDays: age, monetary: monetary)
    }
}
