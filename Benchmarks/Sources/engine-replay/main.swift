import Foundation
import RetentionKit
import SyntheticStore

// Replays a synthetic store through the engine with the built-in program (purchase points with
// category multipliers and a first-order bonus, reviews, birthdays, spend tiers with a bonus):
// from decoded events, and from JSON Lines text (reading included). Prints events/s, the ratio
// to the target, and memory per customer.

let customers = Int(CommandLine.arguments.dropFirst().first { $0.first != "-" } ?? "") ?? 100_000
let decodedOnly = CommandLine.arguments.contains("--decoded-only")
let purchaseOnly = CommandLine.arguments.contains("--purchase-only")
let tiers = try SpendTiers(measure: .spend(.usd), tiers: [
    Tier("bronze", from: 0), Tier("silver", from: 250_00, keepAt: 200_00, earnMultiplierPercent: 125),
    Tier("gold", from: 750_00, keepAt: 600_00, earnMultiplierPercent: 150),
])
let purchase = PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)
let rules = purchaseOnly
    ? RuleSet(earning: [purchase])
    : RuleSet(earning: [purchase, ReviewPoints(), BirthdayPoints(points: 200), TierBonus(points: ["silver": 100, "gold": 250])], tiers: tiers)
print(purchaseOnly ? "program: purchase points only" : "program: purchase, review, birthday points; spend tiers with a bonus")
let program = Program(currencies: [.usd], returnWindowDays: 30, ledger: LedgerPolicy(lotExpiry: LotExpiry(days: 365)))

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
    return pages * 4096
}

func seconds(_ duration: Duration) -> Double {
    let (s, a) = duration.components
    return Double(s) + Double(a) / 1e18
}

let clock = ContinuousClock()
var start = clock.now
let events = SyntheticStore(customers: customers).events()
print("synthetic store: \(customers) customers, \(events.count) events, generated in \(String(format: "%.1f", seconds(clock.now - start))) s")

/// Applies every event; returns (applied, rejected).
func replay(_ events: [Event], into engine: inout Engine) -> (Int, Int) {
    var applied = 0
    var rejected = 0
    for event in events {
        switch engine.apply(event) {
        case .applied: applied += 1
        case .rejected: rejected += 1
        case .duplicate: break
        }
    }
    return (applied, rejected)
}

let before = residentBytes()
var engine = Engine(program: program, rules: rules)
start = clock.now
let (applied, rejected) = replay(events, into: &engine)
let decodedSeconds = seconds(clock.now - start)
let after = residentBytes()
let entries = engine.customerIDs.reduce(0) { $0 + (engine.account(of: $1)?.entries.count ?? 0) }
print(String(format: "  from decoded events: %.0f events/s (%.2fx the 1,000,000 target); %d applied, %d rejected",
             Double(events.count) / decodedSeconds, Double(events.count) / decodedSeconds / 1_000_000, applied, rejected))
print(String(format: "  memory: %.0f bytes per customer, with %d ledger entries (%.1f per customer)",
             Double(after - before) / Double(customers), entries, Double(entries) / Double(customers)))

if decodedOnly { exit(0) }
var text = ""
for event in events { text += event.json.text + "\n" }
let bytes = Array(text.utf8)
text = ""
var fromFile = Engine(program: program, rules: rules)
start = clock.now
var parsed: [Event] = []
parsed.reserveCapacity(events.count)
for line in EventLines(bytes) { if case .success(let event) = line.result { parsed.append(event) } }
_ = replay(parsed, into: &fromFile)
let fileSeconds = seconds(clock.now - start)
print(String(format: "  from JSON Lines (%d MiB, reading included): %.0f events/s (%.2fx the 500,000 target)",
             bytes.count >> 20, Double(events.count) / fileSeconds, Double(events.count) / fileSeconds / 500_000))
let same = engine.customerIDs.allSatisfy { engine.account(of: $0) == fromFile.account(of: $0) }
print("  both replays agree: \(same)")
