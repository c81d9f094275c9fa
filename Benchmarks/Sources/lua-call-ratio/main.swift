import BenchmarkWorkloads
import Foundation

// Calls the same point rule through RetentionLua and through the C floor, alternating rounds in
// one process, and prints ns per call for each and their ratio: of the best rounds, of the
// medians, and the median of each round's ratio to the floor round that began the same turn
// (paired, so a machine whose speed drifts during the run moves both sides of each ratio alike).

// A fourth path, the floor with a count hook that does nothing, shows what the instruction
// budget alone costs (stock Lua calls its hook code on every VM instruction once one is set).

// `lua-call-ratio [ROUNDS] [--calls N] [--only floor|hooked-floor|guarded|read-only]`: N calls a round
// (1,000,000 unless given); with --only, one round of that path alone and no ratio, for a
// profiler (callgrind, perf) to see one path at a time.

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).map { arguments.index(after: $0) }.flatMap { arguments.indices.contains($0) ? arguments[$0] : nil }
}
let callsPerRound = option("--calls").flatMap { Int($0) } ?? 1_000_000
let rounds = arguments.first.flatMap { Int($0) } ?? 7
let only = option("--only")

let floor = PointRuleWorkload.Floor()
let hookedFloor = PointRuleWorkload.Floor()
hookedFloor.setCountHook()
let (runtime, earn) = try PointRuleWorkload.sandboxed(.guarded)
let (strictRuntime, strictEarn) = try PointRuleWorkload.sandboxed(.readOnly)

func nanosecondsPerCall(_ body: () throws -> Int64) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    let sum = try body()
    let elapsed = clock.now - start
    precondition(sum == PointRuleWorkload.expectedPoints * Int64(callsPerRound), "wrong result: \(sum)")
    let (seconds, attoseconds) = elapsed.components
    return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(callsPerRound)
}

if let only {
    let sum: Int64
    switch only {
    case "floor": sum = floor.call(count: callsPerRound)
    case "hooked-floor": sum = hookedFloor.call(count: callsPerRound)
    case "guarded": sum = try PointRuleWorkload.callSandboxed(runtime, earn, count: callsPerRound)
    case "read-only": sum = try PointRuleWorkload.callSandboxed(strictRuntime, strictEarn, count: callsPerRound)
    default:
        print("lua-call-ratio: --only takes floor, hooked-floor, guarded or read-only, not '\(only)'")
        exit(2)
    }
    precondition(sum == PointRuleWorkload.expectedPoints * Int64(callsPerRound), "wrong result: \(sum)")
    print("\(only): \(callsPerRound) calls")
    exit(0)
}

// Warm up the four paths.
_ = floor.call(count: 100_000)
_ = hookedFloor.call(count: 100_000)
_ = try PointRuleWorkload.callSandboxed(runtime, earn, count: 100_000)
_ = try PointRuleWorkload.callSandboxed(strictRuntime, strictEarn, count: 100_000)

var floorTimes: [Double] = []
var hookedTimes: [Double] = []
var sandboxTimes: [Double] = []
var strictTimes: [Double] = []
for _ in 0..<rounds {
    floorTimes.append(nanosecondsPerCall { floor.call(count: callsPerRound) })
    hookedTimes.append(nanosecondsPerCall { hookedFloor.call(count: callsPerRound) })
    sandboxTimes.append(try nanosecondsPerCall { try PointRuleWorkload.callSandboxed(runtime, earn, count: callsPerRound) })
    strictTimes.append(try nanosecondsPerCall { try PointRuleWorkload.callSandboxed(strictRuntime, strictEarn, count: callsPerRound) })
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let bestFloor = floorTimes.min()!
print("point rule call, \(rounds) rounds of \(callsPerRound) calls, alternating")
print("  path                                         best ns/call   median   ratio (best)   ratio (median)   ratio (paired)")
@MainActor func row(_ name: String, _ times: [Double]) {
    let paired = median(zip(times, floorTimes).map { $0 / $1 })
    let figures = String(format: "%10.1f %10.1f %12.2fx %14.2fx %14.2fx", times.min()!, median(times),
                         times.min()! / bestFloor, median(times) / median(floorTimes), paired)
    print("  " + name.padding(toLength: 43, withPad: " ", startingAt: 0) + figures)
}
row("C floor (plain lua_pcall)", floorTimes)
row("C floor with an empty count hook", hookedTimes)
row("RetentionLua, guarded arguments (default)", sandboxTimes)
row("RetentionLua, read-only views", strictTimes)
print(String(format: "  runtime memory after the run   %d KiB", runtime.memoryInUse / 1024))
