import LuaCallFloor
import RetentionLua

/// The foundation benchmark's workload: a typical point rule called with a fresh order table
/// (a few fields and two lines), once through RetentionLua and once through the C floor.
public enum PointRuleWorkload {
    /// The rule: points per currency unit, double on coffee, a first-order bonus.
    public static let source = """
        return {
          earn = function(order)
            local points = 0
            for _, line in ipairs(order.lines) do
              local rate = 1
              if line.category == "coffee" then rate = 2 end
              points = points + (line.quantity * line.unit_price * rate) // 100
            end
            if order.first_order then points = points + 50 end
            return points
          end,
        }
        """

    public struct Line: LuaEncodable, Sendable {
        public var sku: String
        public var category: String
        public var quantity: Int64
        public var unitPrice: Int64

        @inlinable
        public func encode(to encoder: LuaValueEncoder) {
            encoder.encodeTable { line in
                line.set("sku", sku)
                line.set("category", category)
                line.set("quantity", quantity)
                line.set("unit_price", unitPrice)
            }
        }
    }

    public struct Order: LuaEncodable, Sendable {
        public var id: String
        public var customerID: String
        public var currency: String
        public var total: Int64
        public var firstOrder: Bool
        public var lines: [Line]

        @inlinable
        public func encode(to encoder: LuaValueEncoder) {
            encoder.encodeTable { order in
                order.set("id", id)
                order.set("customer_id", customerID)
                order.set("currency", currency)
                order.set("total", total)
                order.set("first_order", firstOrder)
                order.set("lines", lines)
            }
        }
    }

    public static let order = Order(
        id: "1001", customerID: "customer-42", currency: "USD", total: 3_400, firstOrder: true,
        lines: [
            Line(sku: "MUG-01", category: "kitchen", quantity: 2, unitPrice: 1_250),
            Line(sku: "BEAN-250", category: "coffee", quantity: 1, unitPrice: 900),
        ]
    )

    /// What one call returns for ``order``: 25 + 18 + 50.
    public static let expectedPoints: Int64 = 93

    /// The rule loaded into a sandboxed runtime with default limits.
    public static func sandboxed(_ argumentTables: LuaArgumentTables = .guarded) throws -> (LuaRuntime, LuaFunction) {
        let runtime = try LuaRuntime(argumentTables: argumentTables)
        let plugin = try runtime.load(plugin: "earn.lua", source: source)
        return (runtime, try runtime.function("earn", in: plugin))
    }

    /// Calls the rule `count` times through RetentionLua; returns the sum of the points.
    @inlinable
    public static func callSandboxed(_ runtime: LuaRuntime, _ earn: LuaFunction, count: Int) throws -> Int64 {
        var sum: Int64 = 0
        // Read once, as the floor builds its C structs once: a static is checked for its
        // one-time initialisation on every read.
        let order = Self.order
        for _ in 0..<count {
            let points = try runtime.call(earn) { arguments in arguments.append(order) }
            sum &+= points.integerValue ?? .min
        }
        return sum
    }

    /// The C floor: a plain state with the rule loaded, and the order as C structs.
    public final class Floor {
        let state: OpaquePointer
        private let strings: [UnsafeMutablePointer<CChar>]
        private let lines: UnsafeMutablePointer<floor_line>
        private var cOrder: floor_order

        public init() {
            guard let state = floor_open(PointRuleWorkload.source, "earn") else { fatalError("the floor rule did not load") }
            self.state = state
            var strings: [UnsafeMutablePointer<CChar>] = []
            func copy(_ s: String) -> (UnsafeMutablePointer<CChar>, Int) {
                let pointer = strdup(s)!
                strings.append(pointer)
                return (pointer, s.utf8.count)
            }
            let order = PointRuleWorkload.order
            lines = .allocate(capacity: order.lines.count)
            for (index, line) in order.lines.enumerated() {
                let sku = copy(line.sku)
                let category = copy(line.category)
                lines[index] = floor_line(
                    sku: sku.0, sku_length: sku.1, category: category.0, category_length: category.1,
                    quantity: line.quantity, unit_price: line.unitPrice)
            }
            let id = copy(order.id)
            let customer = copy(order.customerID)
            let currency = copy(order.currency)
            cOrder = floor_order(
                id: id.0, id_length: id.1, customer_id: customer.0, customer_id_length: customer.1,
                currency: currency.0, currency_length: currency.1, total: order.total,
                first_order: order.firstOrder ? 1 : 0, lines: lines, line_count: order.lines.count)
            self.strings = strings
        }

        deinit {
            floor_close(state)
            strings.forEach { free($0) }
            lines.deallocate()
        }

        /// Sets a count hook that does nothing (see `floor_set_count_hook`).
        public func setCountHook() { floor_set_count_hook(state) }

        /// Calls the rule `count` times; returns the sum of the points.
        public func call(count: Int) -> Int64 {
            floor_call(state, &cOrder, Int64(count))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
