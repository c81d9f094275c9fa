import Foundation
import RetentionLua
import Testing

/// The plugins shipped in Plugins/, called the way the engine will call them.
@Suite("The plugin library")
struct PluginLibraryTests {
    static let pluginsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Plugins")

    static func order(lines: [(String, Int64, Int64)], discount: Int64 = 0, decimals: Int64? = nil) -> LuaValue {
        var order: [String: LuaValue] = [
            "id": "1001", "customer_id": "customer-42", "currency": "USD", "discount": .integer(discount),
            "lines": .table(LuaTable(array: lines.map { category, quantity, price in
                ["sku": "SKU", "category": .string(category), "quantity": .integer(quantity), "unit_price": .integer(price)]
            })),
        ]
        if let decimals { order["decimals"] = .integer(decimals) }
        return ["id": "evt-1", "type": "order_placed", "at": "2026-03-14T10:12:00Z", "order": .table(LuaTable(fields: order))]
    }

    static func customer(orders: Int64) -> LuaValue {
        ["id": "customer-42", "order_count": .integer(orders), "total_spent": 0]
    }

    static func earn(_ event: LuaValue, _ customer: LuaValue) throws -> LuaValue {
        let runtime = try LuaRuntime(argumentTables: .readOnly)
        let plugin = try runtime.load(contentsOf: pluginsFolder.appendingPathComponent("points.lua").path)
        return try runtime.call(runtime.function("earn", in: plugin), event, customer)
    }

    @Test("points.lua: a first order earns on what was paid for the goods, doubled on coffee, plus the bonus")
    func firstOrder() throws {
        // Goods 25.00 (kitchen) + 9.00 (coffee, x2) = 43.00 weighted; a 3.40 discount on 34.00 of
        // goods leaves 90% paid: 38.70 weighted, so 38 points, and 50 for the first order.
        let awards = try Self.earn(
            Self.order(lines: [("kitchen", 2, 1_250), ("coffee", 1, 900)], discount: 340), Self.customer(orders: 0))
        #expect(awards == [["points": 38, "reason": "purchase"], ["points": 50, "reason": "first order bonus"]])
    }

    @Test("points.lua: a repeat order earns no bonus; other events earn nothing")
    func repeatOrder() throws {
        let awards = try Self.earn(Self.order(lines: [("kitchen", 1, 1_999)]), Self.customer(orders: 3))
        #expect(awards == [["points": 19, "reason": "purchase"]])
        let other: LuaValue = ["id": "evt-2", "type": "review_posted", "at": "2026-03-14T10:12:00Z"]
        #expect(try Self.earn(other, Self.customer(orders: 3)) == .table(LuaTable()))
    }

    @Test("points.lua: a currency without a minor unit counts whole units")
    func zeroDecimals() throws {
        let awards = try Self.earn(Self.order(lines: [("kitchen", 1, 1_500)], decimals: 0), Self.customer(orders: 1))
        #expect(awards == [["points": 1_500, "reason": "purchase"]])
    }

    @Test("Every plugin in the library loads in the sandbox")
    func allLoad() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.pluginsFolder.path).filter { $0.hasSuffix(".lua") }
        #expect(!files.isEmpty)
        for file in files {
            let runtime = try LuaRuntime(argumentTables: .readOnly)
            let plugin = try runtime.load(contentsOf: Self.pluginsFolder.appendingPathComponent(file).path)
            #expect(try runtime.function("earn", in: plugin).path == "earn")
        }
    }
}
