// The smallest embedding of RetentionKit: a Lua point rule, two events, a balance.
import RetentionKit
import RetentionLua

let rule = """
    return {
      name = "coffee-club", api = 1,
      earn = function(event, customer)
        if event.type ~= "order_placed" then return nil end
        return { { points = event.order.eligible // 100, reason = "purchase" } }  -- a point per dollar
      end,
    }
    """
let events = [
    #"{"id": "e1", "type": "customer_created", "at": "2026-03-01T09:00:00Z", "customer": {"id": "ana"}}"#,
    #"""
    {"id": "e2", "type": "order_placed", "at": "2026-03-02T09:00:00Z",
     "order": {"id": "1001", "customer_id": "ana", "currency": "USD", "total": "42.50",
               "lines": [{"sku": "BEANS", "quantity": 1, "unit_price": "42.50"}]}}
    """#,
]

do {
    let program = Program(currencies: [.usd])
    let plugins = try LuaPlugins(sources: [.init(file: "coffee-club.lua", text: rule)], program: program)
    var engine = Engine(program: program, rules: try plugins.ruleSet().rules)
    for line in events {
        if case .rejected(let error) = engine.apply(try EventParser.parse(line)) { print(error) }
    }
    let balance = engine.balance(of: "ana")
    print("ana has \(balance?.available.value ?? 0) points")   // ana has 42 points
} catch {
    print(error)
}
