// Times RetentionMetrics on a synthetic store of CUSTOMERS customers (1,000,000 give about 6
// million orders), step by step, and writes the store as CSV and the figures as JSON for
// Benchmarks/metrics-reference.py, which times pandas, lifetimes and DuckDB on the same orders
// in the same run and prints the ratios.
//
//   metrics-ratio CUSTOMERS --csv PATH --json PATH
import Foundation
import RetentionKit
import RetentionMetrics

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let customers = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let clock = ContinuousClock()
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
func timed<T>(_ name: String, _ work: () throws -> T) rethrows -> (T, Double) {
    let start = clock.now
    let result = try work()
    let elapsed = seconds(clock.now - start)
    print("\(name): \(String(format: "%.3f", elapsed)) s")
    return (result, elapsed)
}

let store = SyntheticOrders(customers: customers)
print("\(customers) customers, \(store.count) orders, observed to \(store.observationEnd.iso)")
if let csv = option("--csv") {
    try store.writeCSV(to: csv)
}

// The raw order log is in memory as columns, as pandas has it; the steps start from it.
// Grouping it is the step that depends most on the memory system, so it is timed over three
// runs and the best kept (the first run is also printed: it pays the page faults).
func group() throws -> OrderHistory {
    var builder = OrderHistory.Builder(currency: .usd)
    try builder.append(customerIDs: store.customerIDs, days: store.days, totals: store.cents)
    return builder.build()
}
var historySeconds = Double.infinity
var grouped: OrderHistory? = nil
for _ in 0..<3 {
    let (built, elapsed) = try timed("history (grouping the raw log)", group)
    historySeconds = min(historySeconds, elapsed)
    grouped = built
}
let history = grouped!
let (summary, summarySeconds) = timed("summary (recency, frequency, T, monetary)") {
    history.purchaseSummary(observationEnd: store.observationEnd)
}
let (cohorts, cohortSeconds) = try timed("cohort matrix (months)") {
    try history.cohortMatrix(by: .month, observationEnd: store.observationEnd)
}
let (rfm, rfmSeconds) = timed("RFM") { history.rfm(asOf: store.observationEnd) }
let (purchases, betaGeoSeconds) = try timed("BG/NBD fit") { try summary.fitBetaGeo() }
let (spend, gammaGammaSeconds) = try timed("Gamma-Gamma fit") { try summary.fitGammaGamma() }
let (forecasts, forecastSeconds) = try timed("forecast (P(alive), 90-day purchases, 12-month CLV)") {
    try summary.forecast(
        purchases: purchases.parameters, spend: spend.parameters,
        options: ForecastOptions(purchaseHorizon: 90, valueHorizonPeriods: 12, periodDays: 30, discountRate: 0.01))
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let peakBytes = Int(usage.ru_maxrss) * 1024
print(String(format: "peak memory: %.2f GiB", Double(peakBytes) / 1_073_741_824))
print("BG/NBD: \(purchases.parameters), ln L \(purchases.logLikelihood), \(purchases.convergence)")
print("Gamma-Gamma: \(spend.parameters), ln L \(spend.logLikelihood), \(spend.convergence)")

// Figures for the reference script to compare with.
let totalValue = forecasts.expectedValue.reduce(0, +)
let figures: [String: Any] = [
    "customers": customers, "orders": store.count, "observation_end": store.observationEnd.iso,
    "seconds": [
        "history": historySeconds, "summary": summarySeconds, "cohort": cohortSeconds, "rfm": rfmSeconds,
        "bgnbd_fit": betaGeoSeconds, "gamma_gamma_fit": gammaGammaSeconds, "forecast": forecastSeconds,
    ],
    "peak_bytes": peakBytes,
    "bgnbd": ["r": purchases.parameters.r, "alpha": purchases.parameters.alpha, "a": purchases.parameters.a, "b": purchases.parameters.b,
              "log_likelihood": purchases.logLikelihood, "iterations": purchases.convergence.iterations],
    "gamma_gamma": ["p": spend.parameters.p, "q": spend.parameters.q, "v": spend.parameters.v, "log_likelihood": spend.logLikelihood],
    "summary": ["customers": summary.count, "frequency_sum": summary.frequency.reduce(0) { $0 + Int($1) },
                "monetary_sum": summary.monetary.reduce(0, +)],
    "cohort": ["cohorts": cohorts.cohorts.count, "active_sum": cohorts.cohorts.reduce(0) { $0 + $1.active.reduce(0, +) },
               "revenue_sum": cohorts.cohorts.reduce(Int64(0)) { $0 + $1.totalRevenue }],
    "rfm": ["r_sum": rfm.recencyScore.reduce(0) { $0 + Int($1) }, "f_sum": rfm.frequencyScore.reduce(0) { $0 + Int($1) },
            "m_sum": rfm.monetaryScore.reduce(0) { $0 + Int($1) }],
    "forecast": ["alive_sum": forecasts.probabilityAlive.reduce(0, +), "purchases_sum": forecasts.expectedPurchases.reduce(0, +),
                 "value_sum": totalValue],
]
if let json = option("--json") {
    let data = try JSONSerialization.data(withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: json))
}
