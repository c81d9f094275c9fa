import RetentionKit
import RetentionMetrics
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("BG/NBD and Gamma-Gamma: closed forms and maximum likelihood")
struct PredictiveModelTests {
    /// The parameters Fader, Hardie & Lee (2005) fitted to the CDNOW sample, in weeks.
    static let cdnow = BetaGeoParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, unit: .weeks)

    @Test("The paper's example: 2 repeats, the last at week 30.43 of 38.86, expects 1.226 purchases in 39 weeks")
    func publishedExample() {
        #expect(abs(Self.cdnow.expectedPurchases(in: 39, frequency: 2, recency: 30.43, age: 38.86) - 1.226) < 0.0005)
    }

    /// Reference values of equations 9–11 at the CDNOW parameters (checked by hand for P(alive):
    /// 1 ÷ (1 + 0.793 ÷ 3.426 × (43.274 ÷ 34.844)^2.243) = 0.72658, and with scipy's ₂F₁ for the
    /// expectations).
    @Test(
        "P(alive) and expected purchases agree with the closed forms",
        arguments: [
            (2, 30.43, 38.86, 0.726578570080673, 1.2260281747671318),
            (0, 0.0, 38.86, 1.0, 0.19509805201125396),
            (10, 35.0, 38.0, 0.871739080124428, 6.447840201929003),
            (1, 5.0, 50.0, 0.256818138182392, 0.20115971614056785),
            (40, 70.0, 72.0, 0.9472761521889486, 16.520482271107852),
        ])
    func closedForms(x: Int, tx: Double, T: Double, alive: Double, purchases: Double) {
        #expect(abs(Self.cdnow.probabilityAlive(frequency: x, recency: tx, age: T) - alive) < 1e-12)
        #expect(abs(Self.cdnow.expectedPurchases(in: 39, frequency: x, recency: tx, age: T) - purchases) < 1e-9 * max(1, purchases))
    }

    @Test(
        "Each customer's log-likelihood is the paper's equation 6",
        arguments: [(2, 30.43, 38.86, -9.45860630706627), (0, 0.0, 38.86, -0.5547132764381585), (10, 35.0, 38.0, -27.17451817310222)])
    func logLikelihood(x: Int, tx: Double, T: Double, expected: Double) {
        #expect(abs(Self.cdnow.logLikelihood(frequency: x, recency: tx, age: T) - expected) < 1e-10)
    }

    @Test("A new customer's expected purchases (equation 9)")
    func unconditional() {
        #expect(abs(Self.cdnow.expectedPurchases(in: 39) - 1.1967231933207985) < 1e-9)
        #expect(abs(Self.cdnow.expectedPurchases(in: 78) - 1.8605190579427455) < 1e-9)
    }

    @Test("Gamma-Gamma expected spend: p (v + x m) ÷ (p x + q − 1)")
    func expectedSpend() {
        let spend = GammaGammaParameters(p: 6.25, q: 3.74, v: 15.44)
        // 6.25 × (15.44 + 3 × 42.5) ÷ (6.25 × 3 + 3.74 − 1) = 893.375 ÷ 21.49
        #expect(abs(spend.expectedAverageValue(frequency: 3, monetary: 42.5) - 41.571661237785015) < 1e-12)
        // Without repeats: the population mean p v ÷ (q − 1).
        #expect(abs(spend.expectedAverageValue(frequency: 0, monetary: 0) - 6.25 * 15.44 / 2.74) < 1e-12)
    }

    /// 40,000 customers drawn from known parameters (in days), observed for two years after a
    /// year of acquisition.
    static let truth = (
        purchases: BetaGeoParameters(r: 0.5, alpha: 60, a: 0.8, b: 2.5, unit: .days),
        spend: GammaGammaParameters(p: 6, q: 4, v: 15)
    )
    static let synthetic: (history: OrderHistory, end: Day) = {
        let store = syntheticStore(
            customers: 40_000, purchases: truth.purchases, spend: truth.spend, start: day("2024-01-01"), spreadDays: 365,
            observedDays: 730, seed: 20_051_001)
        // Synthetic orders are always valid.
        return (try! OrderHistory(orders: store.orders, currency: .usd), store.observationEnd)
    }()

    @Test("Dropout the same for everybody: a and b run away without a penalty, a tiny one keeps them finite", .timeLimit(.minutes(2)))
    func betaGeoPenalty() throws {
        // p = a ÷ (a + b) = 0.2 for every customer: a and b as good as infinite.
        let truth = BetaGeoParameters(r: 0.5, alpha: 60, a: 2e6, b: 8e6, unit: .days)
        let store = syntheticStore(
            customers: 8_000, purchases: truth, spend: Self.truth.spend, start: day("2024-01-01"), spreadDays: 365,
            observedDays: 730, seed: 77)
        let summary = try OrderHistory(orders: store.orders, currency: .usd).purchaseSummary(observationEnd: store.observationEnd)
        var plainA = Double.infinity
        do {
            plainA = try summary.fitBetaGeo().parameters.a
            #expect(plainA > 10_000, "a = \(plainA)")
        } catch {
            #expect(error.code == .didNotConverge)
            #expect(error.message.contains("penalty"))
        }
        let fit = try summary.fitBetaGeo(penalty: 1e-6)
        let found = fit.parameters
        #expect(fit.convergence.converged)
        #expect(found.a < 1_000 && found.a < plainA, "a = \(found.a)")
        // The penalty stops a and b where their pull is tiny, and the mean dropout is still near 0.2.
        #expect(abs(found.a / (found.a + found.b) / 0.2 - 1) < 0.1, "a = \(found.a), b = \(found.b)")
        #expect(abs(found.r / truth.r - 1) < 0.15, "r = \(found.r)")
        #expect(throws: MetricsError.self) { try summary.fitBetaGeo(penalty: -1) }
    }

    @Test("BG/NBD recovers the parameters it was drawn from, and reports the fit", .timeLimit(.minutes(2)))
    func betaGeoRecovery() throws {
        let summary = Self.synthetic.history.purchaseSummary(observationEnd: Self.synthetic.end)
        let fit = try summary.fitBetaGeo()
        let found = fit.parameters, truth = Self.truth.purchases
        #expect(fit.convergence.converged)
        #expect(fit.customers == 40_000)
        #expect(found.unit == .days)
        #expect(abs(found.r / truth.r - 1) < 0.06, "r = \(found.r)")
        #expect(abs(found.alpha / truth.alpha - 1) < 0.1, "alpha = \(found.alpha)")
        #expect(abs(found.a / truth.a - 1) < 0.1, "a = \(found.a)")
        #expect(abs(found.b / truth.b - 1) < 0.12, "b = \(found.b)")
        // The reported log-likelihood is the sum of each customer's, and a maximum: moving any
        // parameter 1% either way lowers it.
        func total(_ p: BetaGeoParameters) -> Double {
            let recency = summary.recency, age = summary.age
            return (0..<summary.count).reduce(0) { $0 + p.logLikelihood(frequency: Int(summary.frequency[$1]), recency: recency[$1], age: age[$1]) }
        }
        #expect(abs(total(found) - fit.logLikelihood) < 1e-6 * abs(fit.logLikelihood))
        for path in [\BetaGeoParameters.r, \.alpha, \.a, \.b] {
            for factor in [0.99, 1.01] {
                var moved = found
                moved[keyPath: path] *= factor
                #expect(total(moved) < fit.logLikelihood)
            }
        }
    }

    @Test("Weeks give the same model: α scales by 7 and the rest stays", .timeLimit(.minutes(2)))
    func weeks() throws {
        let days = try Self.synthetic.history.purchaseSummary(observationEnd: Self.synthetic.end).fitBetaGeo().parameters
        let weeks = try Self.synthetic.history.purchaseSummary(observationEnd: Self.synthetic.end, unit: .weeks).fitBetaGeo().parameters
        #expect(weeks.unit == .weeks)
        #expect(abs(weeks.alpha * 7 / days.alpha - 1) < 1e-5)
        #expect(abs(weeks.r / days.r - 1) < 1e-5)
        #expect(abs(weeks.b / days.b - 1) < 1e-5)
    }

    @Test("Gamma-Gamma recovers the spend parameters from the repeat purchases", .timeLimit(.minutes(2)))
    func gammaGammaRecovery() throws {
        let summary = Self.synthetic.history.purchaseSummary(observationEnd: Self.synthetic.end)
        let fit = try summary.fitGammaGamma()
        let found = fit.parameters, truth = Self.truth.spend
        #expect(fit.convergence.converged)
        #expect(abs(found.p / truth.p - 1) < 0.05, "p = \(found.p)")
        #expect(abs(found.q / truth.q - 1) < 0.05, "q = \(found.q)")
        #expect(abs(found.v / truth.v - 1) < 0.05, "v = \(found.v)")
        let repeaters = (0..<summary.count).filter { summary.frequency[$0] > 0 && summary.monetary[$0] > 0 }
        #expect(fit.customers == repeaters.count)
        let total = repeaters.reduce(0.0) { $0 + found.logLikelihood(frequency: Int(summary.frequency[$1]), monetary: summary.monetary[$1]) }
        #expect(abs(total - fit.logLikelihood) < 1e-6 * abs(fit.logLikelihood))
    }

    @Test("Forecasts: value is the discounted sum of each period's purchases times the expected spend")
    func forecast() throws {
        let history = try OrderHistory(
            orders: [order("1", "a", "2026-01-01", 2_000), order("2", "a", "2026-02-01", 3_000), order("3", "b", "2026-03-01", 1_000)],
            currency: .usd)
        let summary = history.purchaseSummary(observationEnd: day("2026-06-30"), unit: .weeks)
        let spend = GammaGammaParameters(p: 6.25, q: 3.74, v: 15.44)
        let options = ForecastOptions(purchaseHorizon: 13, valueHorizonPeriods: 3, periodDays: 28, discountRate: 0.02)
        let forecasts = try summary.forecast(purchases: Self.cdnow, spend: spend, options: options)
        #expect(forecasts.customerIDs == ["a", "b"])
        // Customer a: one repeat worth $30, 31 days after the first; age 180 days.
        let x = 1, tx = 31.0 / 7, T = 180.0 / 7
        #expect(abs(forecasts.probabilityAlive[0] - Self.cdnow.probabilityAlive(frequency: x, recency: tx, age: T)) < 1e-12)
        #expect(abs(forecasts.expectedPurchases[0] - Self.cdnow.expectedPurchases(in: 13, frequency: x, recency: tx, age: T)) < 1e-12)
        let average = spend.expectedAverageValue(frequency: 1, monetary: 30)
        #expect(forecasts.expectedAverageValue[0] == average)
        var value = 0.0
        for period in 1...3 {
            let bought = Self.cdnow.expectedPurchases(in: 4 * Double(period), frequency: x, recency: tx, age: T)
                - Self.cdnow.expectedPurchases(in: 4 * Double(period - 1), frequency: x, recency: tx, age: T)
            value += bought * average / pow(1.02, Double(period))
        }
        #expect(abs(forecasts.expectedValue[0] - value) < 1e-9)
        // A model in days does not forecast a summary in weeks.
        let daily = BetaGeoParameters(r: 0.243, alpha: 30.9, a: 0.793, b: 2.426, unit: .days)
        #expect(throws: MetricsError.self) { try summary.forecast(purchases: daily, spend: spend, options: options) }
    }

    @Test("Without repeat buyers there is nothing to fit, and the error says so")
    func notEnoughData() throws {
        let history = try OrderHistory(orders: [order("1", "a", "2026-01-01", 2_000)], currency: .usd)
        let summary = history.purchaseSummary(observationEnd: day("2026-06-30"))
        let error = #expect(throws: MetricsError.self) { try summary.fitBetaGeo() }
        #expect(error?.code == .notEnoughData)
        #expect(throws: MetricsError.self) { try summary.fitGammaGamma() }
    }
}
