import ArgumentParser
import Foundation
import RetentionFixtures
import RetentionKit

/// `retention-host generate`: the deterministic synthetic store the benchmarks and tests use.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic store as JSON Lines events.",
        discussion: """
            Customers over 2025 with their own purchase rhythms (45% buy once), orders with \
            cancellations, refunds and returns, reviews, redemptions, survey answers, late \
            deliveries and support tickets, monthly subscriptions for one regular in five (skips, \
            pauses, failed payments, cancellations), referrals (one customer in ten referred by an \
            earlier one, completed by their first paid order), a holiday peak (gift orders from 15 \
            November to 19 December, one in eight returned), and a clock at the end of each month. \
            The same customers and seed give the same file, byte for byte.

            Examples:
              retention-host generate --customers 1000 -o store.jsonl
              retention-host generate --customers 100000 --seed 7 -o big.jsonl
            """
    )

    @Option(help: "How many customers.")
    var customers: Int

    @Option(help: "The seed: the same seed gives the same store.")
    var seed: UInt64 = 42

    @Option(name: .shortAndLong, help: "The JSON Lines file to write.")
    var output: String

    func validate() throws {
        guard (1...10_000_000).contains(customers) else {
            throw ValidationError("--customers \(customers): give between 1 and 10000000")
        }
    }

    func run() throws {
        let events = SyntheticStore(customers: customers, seed: seed).events()
        guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
            throw ValidationError("-o \(output): cannot create it; give a path in a folder you can write to")
        }
        defer { try? file.close() }
        var chunk = ""
        for event in events {
            chunk += event.json.text
            chunk += "\n"
            if chunk.utf8.count > 1 << 20 {
                try file.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try file.write(contentsOf: Data(chunk.utf8))
        var counts: [String: Int] = [:]
        for event in events { counts[event.type, default: 0] += 1 }
        print("\(events.count) events for \(customers) customers (seed \(seed)) written to \(output)")
        print("  " + counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", "))
    }
}
