import ArgumentParser
import Foundation
import RetentionKit
import RetentionSQLite

/// `retention-host balances`: customers' points, tier and segments from a store.
struct BalancesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balances",
        abstract: "Print customers' points, tier and segments from a store.",
        discussion: """
            Points are as of each customer's latest ledger activity (the as_of day): points that \
            have matured or expired since show when the customer is next touched, or after a \
            `clock` event.

            Examples:
              retention-host balances
              retention-host balances --store shop.sqlite --customer c-42 --json
            """
    )

    @Option(help: "The store: a SQLite file or a postgres://USER:PASSWORD@HOST/DATABASE URL.")
    var store = StoreLocation("retention.sqlite")

    @Option(help: "Only this customer.")
    var customer: String?

    @Flag(help: "Print a JSON array of {customer_id, as_of, available, pending, lifetime_earned, tier, segments}.")
    var json = false

    func run() throws {
        let balances = try store.openForReading().balances(customerID: customer)
        if json {
            let rows: [[String: Any]] = balances.map {
                ["customer_id": $0.customerID, "as_of": $0.asOf.iso, "available": $0.available, "pending": $0.pending,
                 "lifetime_earned": $0.lifetimeEarned, "tier": $0.tier ?? NSNull(), "segments": $0.segments]
            }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        // The id column fits the longest id (e-mail addresses and phone numbers are ids after an import).
        let width = max(18, balances.map(\.customerID.count).max() ?? 0)
        print("customer".padding(toLength: width, withPad: " ", startingAt: 0) + "  available   pending  lifetime  tier        segments")
        for b in balances {
            print(
                b.customerID.padding(toLength: width, withPad: " ", startingAt: 0), String(format: "%10lld %9lld %9lld", b.available, b.pending, b.lifetimeEarned),
                " ", (b.tier ?? "-").padding(toLength: 10, withPad: " ", startingAt: 0), b.segments.joined(separator: ","))
        }
    }
}
