import Benchmark
import BenchmarkWorkloads

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    Benchmark("Point rule call: C floor (plain lua_pcall)") { benchmark, floor in
        blackHole(floor.call(count: benchmark.scaledIterations.count))
    } setup: {
        PointRuleWorkload.Floor()
    }

    Benchmark("Point rule call: RetentionLua, guarded arguments (default)") { benchmark, setup in
        let (runtime, earn) = setup
        blackHole(try PointRuleWorkload.callSandboxed(runtime, earn, count: benchmark.scaledIterations.count))
    } setup: {
        try PointRuleWorkload.sandboxed(.guarded)
    }

    Benchmark("Point rule call: RetentionLua, read-only views") { benchmark, setup in
        let (runtime, earn) = setup
        blackHole(try PointRuleWorkload.callSandboxed(runtime, earn, count: benchmark.scaledIterations.count))
    } setup: {
        try PointRuleWorkload.sandboxed(.readOnly)
    }
}
