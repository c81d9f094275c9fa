import Foundation
import HeapUsage
import Synchronization
import RetentionKit
import RetentionLua
import SyntheticStore

// Replays a synthetic store through the engine under the reference program (purchase, review,
// referral and birthday points; spend tiers with multipliers and an upgrade bonus; RFM segments;
// win-back and service-recovery triggers): built in, from decoded events and from JSON Lines
// (reading included); then, with --lua PLUGINS, the same program as the Lua plugin library, on
// one core (timed in turns with a second built-in replay, for the ratio) and on two (customers
// partitioned, a runtime per partition). Prints events/s, ratios and memory per customer.
//
//   engine-replay [CUSTOMERS] [--decoded-only] [--purchase-only] [--lua ../Plugins]
//   engine-replay [CUSTOMERS] --export FILE.jsonl      writes the store as JSON Lines and stops

let arguments = CommandLine.arguments.dropFirst()
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), arguments.index(after: index) < arguments.endIndex else { return nil }
    return arguments[arguments.index(after: index)]
}
let customers = Int(arguments.first { $0.first != "-" && Int($0) != nil } ?? "") ?? 100_000
let decodedOnly = arguments.contains("--decoded-only")
let purchaseOnly = arguments.contains("--purchase-only")
let program = ReferenceProgram.program

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
    return pages * 4096
}

/// What a ledger's entries take on the heap, by their layout: the entry array, and each
/// entry's strings longer than 15 bytes (shorter ones live inside the string) and lists.
func ledgerBytes(_ entries: [LedgerEntry]) -> Int {
    func string(_ text: String?) -> Int { (text?.utf8.count ?? 0) > 15 ? 32 + (text!.utf8.count + 15) / 16 * 16 : 0 }
    func list(_ count: Int, _ stride: Int) -> Int { count == 0 ? 0 : 32 + count * stride }
    var bytes = list(entries.count, MemoryLayout<LedgerEntry>.stride)
    for entry in entries {
        bytes += string(entry.key) + string(entry.reverses) + string(entry.source.eventID) + string(entry.source.rule)
        bytes += string(entry.source.ruleVersion) + string(entry.source.orderID) + string(entry.source.reason)
        bytes += list(entry.source.lines.count, 16) + entry.source.lines.reduce(0) { $0 + string($1) }
        bytes += list(entry.lots.count, MemoryLayout<LotUse>.stride) + entry.lots.reduce(0) { $0 + string($1.lot) }
    }
    return bytes
}

func seconds(_ duration: Duration) -> Double {
    let (s, a) = duration.components
    return Double(s) + Double(a) / 1e18
}

let clock = ContinuousClock()
var start = clock.now
let events = SyntheticStore(customers: customers).events()
print("synthetic store: \(customers) customers, \(events.count) events, generated in \(String(format: "%.1f", seconds(clock.now - start))) s")

if let path = option("--export") {
    var text = ""
    for event in events { text += event.json.text + "\n" }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    print("wrote \(path)")
    exit(0)
}

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

let rules = purchaseOnly
    ? RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)])
    : try ReferenceProgram.builtInRules()
print(purchaseOnly ? "program: purchase points only" : "program: the reference program (earning, tiers, segments, triggers)")

let before = residentBytes()
let heapBefore = heap_bytes_in_use()
var engine = Engine(program: program, rules: rules)
start = clock.now
let (applied, rejected) = replay(events, into: &engine)
let decodedSeconds = seconds(clock.now - start)
let builtInRate = Double(events.count) / decodedSeconds
let after = residentBytes()
let heapAfter = heap_bytes_in_use()
let entries = engine.customerIDs.reduce(0) { $0 + (engine.account(of: $1)?.entries.count ?? 0) }
let ledger = engine.customerIDs.reduce(0) { $0 + ledgerBytes(engine.account(of: $1)?.entries ?? []) }
print(String(format: "  built in, from decoded events: %.0f events/s (%.2fx the 1,000,000 target); %d applied, %d rejected",
             builtInRate, builtInRate / 1_000_000, applied, rejected))
print(String(format: "  memory: %.0f bytes per customer, with %d ledger entries (%.1f per customer)",
             Double(after - before) / Double(customers), entries, Double(entries) / Double(customers)))
let heapPerCustomer = Double(Int(heapAfter) - Int(heapBefore)) / Double(customers)
let ledgerPerCustomer = Double(ledger) / Double(customers)
print(String(format: "  heap in use: %.0f bytes per customer; the ledger's entries %.0f of them (by layout), the rest %.0f (target under 1,024)",
             heapPerCustomer, ledgerPerCustomer, heapPerCustomer - ledgerPerCustomer))

if let folder = option("--lua") {
    let files = ReferenceProgram.pluginFiles.map { "\(folder)/\($0)" }
    let plugins = try LuaPlugins(files: files, program: program)
    // One core: one engine, one runtime, timed against a second built-in engine in turns of
    // 10,000 events each, so that a machine whose speed drifts during the run (by ±20% on the
    // shared machines these figures come from) slows both sides of the ratio alike.
    var lua = Engine(program: program, rules: try plugins.ruleSet().rules)
    var pacer = Engine(program: program, rules: rules)
    var luaTime = Duration.zero
    var pacerTime = Duration.zero
    var luaApplied = 0
    var luaRejected = 0
    let eventsPerTurn = 10_000
    for first in stride(from: 0, to: events.count, by: eventsPerTurn) {
        let turn = Array(events[first..<min(first + eventsPerTurn, events.count)])
        start = clock.now
        _ = replay(turn, into: &pacer)
        pacerTime += clock.now - start
        start = clock.now
        let (turnApplied, turnRejected) = replay(turn, into: &lua)
        luaTime += clock.now - start
        luaApplied += turnApplied
        luaRejected += turnRejected
    }
    let luaRate = Double(events.count) / seconds(luaTime)
    let pacerRate = Double(events.count) / seconds(pacerTime)
    let same = engine.customerIDs.allSatisfy { engine.account(of: $0) == lua.account(of: $0) }
    print(String(format: "  Lua plugin library, one core: %.0f events/s, %.2fx the built-in program run in turns with it (%.0f events/s; target 0.40x); %d applied, %d rejected; same ledgers: %@",
                 luaRate, luaRate / pacerRate, pacerRate, luaApplied, luaRejected, same ? "yes" : "NO"))
    // Two cores: customers split by a stable hash (a referee goes with their referrer), clock
    // events to both partitions.
    var partitions: [[Event]] = [[], []]
    var router = PartitionRouter(count: 2)
    for event in events {
        for part in router.workers(for: event) { partitions[part].append(event) }
    }
    let ruleSets = try [plugins.ruleSet(), plugins.ruleSet()]
    let results = Mutex<[Int: Engine]>([:])
    start = clock.now
    let split = partitions
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        var partEngine = Engine(program: program, rules: ruleSets[part].rules)
        _ = replay(split[part], into: &partEngine)
        results.withLock { $0[part] = partEngine }
    }
    let twoRate = Double(events.count) / seconds(clock.now - start)
    let parts = results.withLock { $0 }
    let agree = engine.customerIDs.allSatisfy { id in
        parts.values.contains { $0.account(of: id) == engine.account(of: id) && $0.account(of: id) != nil }
    }
    print(String(format: "  Lua plugin library, two cores (customers partitioned): %.0f events/s, %.2fx one core; same ledgers: %@",
                 twoRate, twoRate / luaRate, agree ? "yes" : "NO"))
}

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
print(String(format: "  built in, from JSON Lines (%d MiB, reading included): %.0f events/s (%.2fx the 500,000 target)",
             bytes.count >> 20, Double(events.count) / fileSeconds, Double(events.count) / fileSeconds / 500_000))
let same = engine.customerIDs.allSatisfy { engine.account(of: $0) == fromFile.account(of: $0) }
print("  both replays agree: \(same)")
