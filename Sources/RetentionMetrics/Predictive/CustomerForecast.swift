#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the models predict for every customer of a ``PurchaseSummary``, in its order.
public struct CustomerForecasts: Sendable {
    /// The customers, as ids.
    public var customerIDs: [String]
    /// P(alive) at the observation end.
    public var probabilityAlive: [Double]
    /// Expected purchases in the next ``ForecastOptions/purchaseHorizon`` units.
    public var expectedPurchases: [Double]
    /// Expected spend per future purchase (Gamma-Gamma), in major units.
    public var expectedAverageValue: [Double]
    /// Discounted expected value over ``ForecastOptions/valueHorizonPeriods`` periods, in major units.
    public var expectedValue: [Double]
}

/// The horizons and discount of a forecast.
///
/// Value is summed period by period, as the purchases expected in period i times the expected
/// spend per purchase, divided by (1 + discount rate)ⁱ: with 30-day periods, 12 periods and a
/// rate of 0.01 it is a year's value discounted at 1% a month.
public struct ForecastOptions: Hashable, Sendable {
    /// The horizon of ``CustomerForecasts/expectedPurchases``, in the model's time unit.
    public var purchaseHorizon: Double
    /// Periods summed for the expected value.
    public var valueHorizonPeriods: Int
    /// Days in one period of the expected value.
    public var periodDays: Int
    /// Discount rate per period.
    public var discountRate: Double

    public init(purchaseHorizon: Double, valueHorizonPeriods: Int = 12, periodDays: Int = 30, discountRate: Double = 0.01) {
        self.purchaseHorizon = purchaseHorizon
        self.valueHorizonPeriods = valueHorizonPeriods
        self.periodDays = periodDays
        self.discountRate = discountRate
    }
}

extension PurchaseSummary {
    /// P(alive), expected purchases and discounted expected value for every customer.
    ///
    /// ```swift
    /// let purchases = try summary.fitBetaGeo().parameters
    /// let spend = try summary.fitGammaGamma().parameters
    /// let forecasts = try summary.forecast(purchases: purchases, spend: spend, options: ForecastOptions(purchaseHorizon: 90))
    /// ```
    public func forecast(purchases: BetaGeoParameters, spend: GammaGammaParameters, options: ForecastOptions) throws(MetricsError)
        -> CustomerForecasts
    {
        guard purchases.unit == unit else {
            throw MetricsError(.badArgument, "the BG/NBD parameters are per \(purchases.unit.rawValue) but the summary is in \(unit.rawValue); fit and forecast in the same unit")
        }
        guard options.purchaseHorizon >= 0, options.valueHorizonPeriods >= 0, options.periodDays >= 1, options.discountRate > -1 else {
            throw MetricsError(.badArgument, "a forecast needs a horizon of zero or more, periods of at least one day and a discount rate above −1 (given \(options))")
        }
        guard spend.q > 1 else {
            throw MetricsError(.badArgument, "the Gamma-Gamma model's mean spend is finite only for q > 1 (given \(spend.q)); the fitted spend model cannot value purchases")
        }
        guard purchases.a != 1 else {
            throw MetricsError(.badArgument, "the BG/NBD expectation divides by a − 1 and a is exactly 1; refit or nudge a")
        }
        let period = Double(options.periodDays) / unit.days
        // Horizons in the model's unit: the purchase horizon, then each period's end.
        let horizons = [options.purchaseHorizon] + (0..<options.valueHorizonPeriods).map { period * Double($0 + 1) }
        let longest = horizons.max() ?? 0
        let youngest = Double(ageDays.min() ?? 0) / unit.days
        let series = HypergeometricSeriesTable(
            purchases, frequencies: frequency, largestZ: longest / (purchases.alpha + youngest + longest))
        let n = count
        var alive = [Double](repeating: 0, count: n)
        var expected = [Double](repeating: 0, count: n)
        var averageValue = [Double](repeating: 0, count: n)
        var value = [Double](repeating: 0, count: n)
        let days = unit.days
        let discount = (0..<options.valueHorizonPeriods).map { 1 / pow(1 + options.discountRate, Double($0 + 1)) }
        alive.withUnsafeMutableBufferPointer { alive in
            expected.withUnsafeMutableBufferPointer { expected in
                averageValue.withUnsafeMutableBufferPointer { averageValue in
                    value.withUnsafeMutableBufferPointer { value in
                        let out = ForecastColumns(alive: alive, expected: expected, averageValue: averageValue, value: value)
                        inParallel(count: n) { range in
                            for index in range {
                                let x = Int(frequency[index])
                                let tx = Double(recencyDays[index]) / days, T = Double(ageDays[index]) / days
                                let pAlive = purchases.probabilityAlive(frequency: x, recency: tx, age: T)
                                // Every horizon shares P(alive) (the denominator of equation 10) and ln(α + T).
                                func expectedBy(_ t: Double) -> Double {
                                    series.expectedPurchases(in: t, frequency: x, age: T) * pAlive
                                }
                                let average = spend.expectedAverageValue(frequency: x, monetary: monetary[index])
                                var total = 0.0, previous = 0.0
                                var purchasesInHorizon = -1.0
                                for step in 0..<options.valueHorizonPeriods {
                                    let cumulative = expectedBy(horizons[step + 1])
                                    if horizons[step + 1] == options.purchaseHorizon { purchasesInHorizon = cumulative }
                                    total += (cumulative - previous) * average * discount[step]
                                    previous = cumulative
                                }
                                out.alive[index] = pAlive
                                out.expected[index] = purchasesInHorizon >= 0 ? purchasesInHorizon : expectedBy(options.purchaseHorizon)
                                out.averageValue[index] = average
                                out.value[index] = total
                            }
                        }
                    }
                }
            }
        }
        return CustomerForecasts(
            customerIDs: customerIDs, probabilityAlive: alive, expectedPurchases: expected, expectedAverageValue: averageValue,
            expectedValue: value)
    }
}

/// The output columns, written by disjoint ranges of customers from several threads.
private struct ForecastColumns: @unchecked Sendable {
    let alive: UnsafeMutableBufferPointer<Double>
    let expected: UnsafeMutableBufferPointer<Double>
    let averageValue: UnsafeMutableBufferPointer<Double>
    let value: UnsafeMutableBufferPointer<Double>
}
