import RetentionKit

/// The predictive models fitted to a store and what they say about its customers as a whole.
public struct PredictiveValue: Hashable, Sendable {
    /// The BG/NBD fit (purchases), in days.
    public var purchases: ModelFit<BetaGeoParameters>
    /// The penalty on a and b the BG/NBD fit needed (0 for plain maximum likelihood).
    public var penalty: Double
    /// The Gamma-Gamma fit (spend per purchase), when there were repeat buyers to fit it on.
    public var spend: ModelFit<GammaGammaParameters>?
    /// Customers predicted.
    public var customers: Int
    /// Purchases all customers are expected to make within the forecast's purchase horizon.
    public var expectedPurchases: Double
    /// Customers by P(alive), in ten bands: [0, 0.1), [0.1, 0.2) … [0.9, 1].
    public var aliveBands: [Int]
    /// The distribution of discounted expected value per customer, in major units, when the
    /// spend model was fitted.
    public var value: ValueDistribution?

    /// Quantiles of a per-customer figure.
    public struct ValueDistribution: Hashable, Sendable {
        /// The sum over customers.
        public var total: Double
        /// The mean per customer.
        public var mean: Double
        /// The middle customer's value.
        public var median: Double
        /// The value 90% of customers are at or below.
        public var p90: Double
        /// The value 99% of customers are at or below.
        public var p99: Double
        /// The largest.
        public var max: Double
        /// Customers by value, in ten equal-width bands from 0 to ``max``.
        public var bands: [Int]

        init(_ values: [Double]) {
            let sorted = values.sorted()
            func quantile(_ q: Double) -> Double {
                sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
            }
            total = sorted.reduce(0, +)
            mean = sorted.isEmpty ? 0 : total / Double(sorted.count)
            median = quantile(0.5)
            p90 = quantile(0.9)
            p99 = quantile(0.99)
            max = sorted.last ?? 0
            var bands = [Int](repeating: 0, count: 10)
            let top = max
            for value in sorted {
                bands[top <= 0 ? 0 : Swift.min(9, Swift.max(0, Int(value / top * 10)))] += 1
            }
            self.bands = bands
        }
    }

    /// Fits both models on the history's summary at `observationEnd` and forecasts every
    /// customer. Throws when BG/NBD cannot be fitted; a spend model that cannot be fitted is
    /// left out, with the reason returned as the note.
    static func fit(_ history: OrderHistory, observationEnd: Day, options: ForecastOptions) throws(MetricsError)
        -> (PredictiveValue, String?)
    {
        let summary = history.purchaseSummary(observationEnd: observationEnd)
        var notes: [String] = []
        var penalty = 0.0
        let purchases: ModelFit<BetaGeoParameters>
        do {
            purchases = try summary.fitBetaGeo()
        } catch {
            guard error.code == .didNotConverge else { throw error }
            // Dropout that does not vary between customers: keep a and b finite.
            penalty = 1e-6
            purchases = try summary.fitBetaGeo(penalty: penalty)
            notes.append("BG/NBD fitted with a penalty of \(penalty) on a² + b²: without it a and b grow together without bound (dropout hardly varies between customers)")
        }
        var spend: ModelFit<GammaGammaParameters>? = nil
        do {
            spend = try summary.fitGammaGamma()
        } catch {
            notes.append("no spend model: \(error.message)")
        }
        var alive = [Int](repeating: 0, count: 10)
        var expected = 0.0
        var value: ValueDistribution? = nil
        if let spend {
            let forecasts = try summary.forecast(purchases: purchases.parameters, spend: spend.parameters, options: options)
            for p in forecasts.probabilityAlive { alive[min(9, max(0, Int(p * 10)))] += 1 }
            expected = forecasts.expectedPurchases.reduce(0, +)
            value = ValueDistribution(forecasts.expectedValue)
        } else {
            let model = purchases.parameters
            let recency = summary.recency, age = summary.age
            for index in 0..<summary.count {
                let x = Int(summary.frequency[index])
                alive[min(9, max(0, Int(model.probabilityAlive(frequency: x, recency: recency[index], age: age[index]) * 10)))] += 1
                expected += model.expectedPurchases(in: options.purchaseHorizon, frequency: x, recency: recency[index], age: age[index])
            }
        }
        return (
            PredictiveValue(
                purchases: purchases, penalty: penalty, spend: spend, customers: summary.count, expectedPurchases: expected, aliveBands: alive,
                value: value),
            notes.isEmpty ? nil : notes.joined(separator: "; ")
        )
    }
}
