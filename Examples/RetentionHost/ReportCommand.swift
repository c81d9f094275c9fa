import ArgumentParser
import Foundation
import RetentionKit
import RetentionMetrics

/// `retention-host report`: the metrics over a store's orders and ledgers.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print retention, cohorts, RFM, predictive value and loyalty economics from a store.",
        discussion: """
            Reads every customer in the store (orders, ledger, tier) and computes the metrics of \
            Documentation/Metrics.md over the orders placed up to --to, the observation end \
            (default: the latest event the store has seen). Refunds count on their order's day: \
            the store keeps each order's refunded sum, not the refunds' days. Orders in other \
            currencies than --currency are left out and counted.

            One cut narrows the report to a slice of the store (--segment, --channel, \
            --category, --tenure, --members or --non-members): orders outside it are left out \
            and counted, and only customers with an order in it bring their points, tier, \
            answers, tickets and campaign contacts. --hygiene-off switches a rule of \
            Documentation/Metrics.md off; the report names the cut and the rules that were off.

            Examples:
              retention-host report
              retention-host report --store shop.sqlite --from 2025-01-01 --to 2025-12-31 --period month
              retention-host report --point-value 1.00/100 --json
              retention-host report --customers subscription --period month
              retention-host report --point-value 1.00/100 --html report.html
              retention-host report --segment vip --hygiene-off skip-zero-value
              retention-host report --tenure 0-90 --period month
            """
    )

    @Option(help: "The store: a SQLite file or a postgres://USER:PASSWORD@HOST/DATABASE URL.")
    var store = StoreLocation("retention.sqlite")

    @Option(help: "The first day of the periods, YYYY-MM-DD (default: the first order's).")
    var from: String?

    @Option(help: "The observation end, YYYY-MM-DD (default: the day of the latest event stored).")
    var to: String?

    @Option(help: "The period of the retention and liability series: week, month, quarter or year.")
    var period: String = "quarter"

    @Option(help: "The period of acquisition cohorts: week, month, quarter or year.")
    var cohortPeriod: String = "month"

    @Option(name: .customLong("customers"), help: "Who counts as a customer on a day: 'window:DAYS' (an order in the last DAYS days; default window:365) or 'subscription' (an active subscription).")
    var customerDefinition: String = "window:365"

    @Option(help: "The currency to measure in, ISO 4217 (default: the one most orders are in).")
    var currency: String?

    @Option(help: "What points are worth, as MONEY/POINTS in the report's currency (1.00/100: a cent a point), for the liability.")
    var pointValue: String?

    @Flag(help: "Print the report as one JSON object instead of tables.")
    var json = false

    @Option(help: "Also write the report as one self-contained HTML page with charts to this file.")
    var html: String?

    @OptionGroup(title: "Cuts and hygiene")
    var scope: ReportScopeOptions

    func run() throws {
        let opened = try store.openForReading()
        let state = try opened.load()
        let customers = try state.customers.map { (record) throws(StoreError) in try StoredCustomer(decoding: record) }
        let currency = try self.currency.map { try Currency(code: $0) } ?? Self.mostCommonCurrency(customers) ?? .usd
        guard let end = try to.map({ try day($0, "--to") }) ?? state.clock?.day else {
            throw ValidationError("the store \(store) holds no events yet; replay some first, or give --to")
        }
        let options = RetentionReport.Options(
            from: try from.map { try day($0, "--from") }, to: end, period: try calendarPeriod(period, "--period"),
            cohortPeriod: try calendarPeriod(cohortPeriod, "--cohort-period"), counting: try definition(customerDefinition),
            pointValue: try pointValue.map { try Self.pointValue($0, currency) }, cut: try scope.cut(asOf: end))
        let rules = try scope.rules()
        let report: RetentionReport
        do {
            report = try RetentionReport(stored: customers, currency: currency, rules: rules, options: options)
        } catch {
            throw ValidationError(error.message)
        }
        if let html {
            do {
                try report.html.write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("--html \(html): cannot write it (\(error.localizedDescription)); give a path in a folder you can write to")
            }
        }
        print(json ? report.json.text : report.text, terminator: json ? "\n" : "")
    }

    private func day(_ text: String, _ option: String) throws -> Day {
        do {
            return try Day(iso: text)
        } catch {
            throw ValidationError("\(option) \(text): \(error); write the day as YYYY-MM-DD")
        }
    }

    private func calendarPeriod(_ text: String, _ option: String) throws -> CalendarPeriod {
        guard let period = CalendarPeriod(rawValue: text) else {
            throw ValidationError("\(option) \(text) is not a period; use week, month, quarter or year")
        }
        return period
    }

    private func definition(_ text: String) throws -> CustomerDefinition {
        if text == "subscription" { return .activeSubscription }
        if text.hasPrefix("window:"), let days = Int(text.dropFirst("window:".count)), days >= 1 { return .activeWindow(days: days) }
        throw ValidationError("--customers \(text): write window:DAYS (for example window:365) or subscription")
    }

    /// The currency most of the store's orders are in.
    static func mostCommonCurrency(_ customers: [StoredCustomer]) -> Currency? {
        var counts: [Currency: Int] = [:]
        for customer in customers where customer.mergedInto == nil {
            for order in customer.orders { counts[order.order.currency, default: 0] += 1 }
        }
        return counts.max { ($0.value, $1.key.code) < ($1.value, $0.key.code) }?.key
    }

    /// "1.00/100": 1.00 of the currency per 100 points; "0.01": per point.
    static func pointValue(_ text: String, _ currency: Currency) throws -> PointValue {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let how = "write it as MONEY/POINTS in \(currency.code), for example 1.00/100 for a cent a point"
        guard parts.count <= 2, let points = parts.count == 2 ? Int64(parts[1]) : 1 else {
            throw ValidationError("--point-value \(text): \(how)")
        }
        do {
            return try PointValue(Money(parsing: String(parts[0]), currency: currency), per: points)
        } catch {
            throw ValidationError("--point-value \(text): \(error); \(how)")
        }
    }
}
