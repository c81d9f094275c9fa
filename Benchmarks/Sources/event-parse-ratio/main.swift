import Foundation
import RetentionKit

// Parses the same JSON Lines of order events with RetentionKit's EventLines (exact JSON,
// typed and validated events) and with Foundation's JSONSerialization (untyped dictionaries,
// no validation), alternating rounds in one process; prints events/s and the ratio.

let count = 200_000
let rounds = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 5

var text = ""
text.reserveCapacity(count * 420)
for index in 0..<count {
    let customer = "c-\(index % 20_000)"
    let cents = 1_000 + index % 9_000
    text += """
        {"id":"evt-\(index)","type":"order_placed","at":"2026-03-14T10:12:\(String(format: "%02d", index % 60))Z",\
        "order":{"id":"o-\(index)","customer_id":"\(customer)","currency":"USD","channel":"web",\
        "lines":[{"sku":"MUG-01","category":"kitchen","quantity":2,"unit_price":"\(cents / 100).\(String(format: "%02d", cents % 100))"},\
        {"sku":"BEAN-250","category":"coffee","quantity":1,"unit_price":"9.00"}],\
        "shipping":"4.95","tax":"2.72","discount":"3.40","total":"43.27"}}

        """
}
let bytes = Array(text.utf8)
let data = Data(bytes)
print("\(count) order_placed events, \(bytes.count / 1024) KiB of JSON Lines, \(rounds) rounds")

func eventsPerSecond(_ body: () -> Int) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    let parsed = body()
    let elapsed = clock.now - start
    precondition(parsed == count, "parsed \(parsed) of \(count)")
    let (seconds, attoseconds) = elapsed.components
    return Double(count) / (Double(seconds) + Double(attoseconds) / 1e18)
}

/// Events EventLines reads successfully.
func parseOurs(_ bytes: [UInt8]) -> Int {
    var parsed = 0
    for line in EventLines(bytes) { if case .success = line.result { parsed += 1 } }
    return parsed
}

/// Lines JSONSerialization reads.
func parseReference(_ data: Data) -> Int {
    var parsed = 0
    var start = data.startIndex
    while start < data.endIndex {
        let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
        if end > start, (try? JSONSerialization.jsonObject(with: data[start..<end])) != nil { parsed += 1 }
        start = end + 1
    }
    return parsed
}

var ours: [Double] = []
var reference: [Double] = []
for _ in 0..<rounds {
    ours.append(eventsPerSecond { parseOurs(bytes) })
    reference.append(eventsPerSecond { parseReference(data) })
}
let best = ours.max()!
let bestReference = reference.max()!
print(String(format: "  EventLines (typed, validated)     %10.0f events/s", best))
print(String(format: "  JSONSerialization (untyped)       %10.0f events/s", bestReference))
print(String(format: "  ratio                              %9.2fx", best / bestReference))
