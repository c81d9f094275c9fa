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
        let recency = self.recency, age = self.age
        var alive = [Double](repeating: 0, count: count)
        var expected = [Double](repeating: 0, count: count)
        var averageValue = [Double](repeating: 0, count: count)
        var value = [Double](repeating: 0, count: count)
        let period = Double(options.periodDays) / unit.days
        for index in 0..<count {
            let x = Int(frequency[index])
            let tx = recency[index], T = age[index]
            alive[index] = purchases.probabilityAlive(frequency: x, recency: tx, age: T)
            expected[index] = purchases.expectedPurchases(in: options.purchaseHorizon, frequency: x, recency: tx, age: T)
            let average = spend.expectedAverageValue(frequency: x, monetary: monetary[index])
            averageValue[index] = average
            var total = 0.0, previous = 0.0, discount = 1.0
            for step in 0..<options.valueHorizonPeriods {
                let cumulative = purchases.expectedPurchases(in: period * Double(step + 1), frequency: x, recency: tx, age: T)
                discount /= 1 + options.discountRate
                total += (cumulative - previous) * average * discount
                previous = cumulative
            }
            value[index] = total
        }
        return CustomerForecasts(
            customerIDs: customerIDs, probabilityAlive: alive, expectedPurchases: expected, expectedAverageValue: averageValue,
            expectedValue: value)
    }
}
