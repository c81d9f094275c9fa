import RetentionLua
import Testing

/// The embedding example in README.md, kept here so it is compiled and run.
@Test("README: load a rule, call it, handle a runaway script")
func readmeEmbeddingExample() throws {
    // --- README example begins ---
    let runtime = try LuaRuntime()
    let plugin = try runtime.load(plugin: "coffee-club.lua", source: """
        return {
          earn = function(order)
            local points = order.total // 100           -- one point per dollar
            if order.first_order then points = points + 50 end
            return points
          end,
          spin = function() while true do end end,
        }
        """)
    let earn = try runtime.function("earn", in: plugin)
    let points = try runtime.call(earn) { arguments in
        arguments.appendTable { order in
            order.set("total", Int64(2_550))    // $25.50 in cents
            order.set("first_order", true)
        }
    }
    print(points)                                 // 75

    do {
        _ = try runtime.call(runtime.function("spin", in: plugin))
    } catch {
        print(error)    // coffee-club.lua:7: instruction budget exceeded (1000000 instructions) (in spin) ...
    }
    // --- README example ends ---
    #expect(points == 75)
    #expect(throws: LuaError.self) { _ = try runtime.call(runtime.function("spin", in: plugin)) }
}
