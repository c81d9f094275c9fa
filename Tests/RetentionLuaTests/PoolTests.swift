import RetentionLua
import Testing

@Suite("A pool of runtimes shares work across cores")
struct PoolTests {
    @Test("Keys map to runtimes by a stable hash, and concurrent work gives the serial results")
    func concurrentCalls() async throws {
        let pool = try LuaRuntimePool(count: 2) { runtime in
            let plugin = try runtime.load(plugin: "points.lua", source: "return { earn = function(o) return o.total // 100 end }")
            return try runtime.function("earn", in: plugin)
        }
        #expect(pool.count == 2)
        #expect(pool.index(forKey: "customer-1") == pool.index(forKey: "customer-1"))
        let indices = Set((0..<100).map { pool.index(forKey: "customer-\($0)") })
        #expect(indices == [0, 1])

        let totals = await withTaskGroup(of: (Int, Int64).self) { group in
            for customer in 0..<200 {
                group.addTask {
                    let points = try? pool.withRuntime(forKey: "customer-\(customer)") { runtime, earn in
                        try runtime.call(earn, ["total": .integer(Int64(customer) * 100 + 99)]).integerValue
                    }
                    return (customer, points ?? -1)
                }
            }
            var results: [Int: Int64] = [:]
            for await (customer, points) in group { results[customer] = points }
            return results
        }
        #expect(totals.count == 200)
        #expect(totals.allSatisfy { customer, points in points == Int64(customer) })
    }
}
