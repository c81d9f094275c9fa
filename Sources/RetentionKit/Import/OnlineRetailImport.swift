/// Converts the UCI "Online Retail" CSV (InvoiceNo, StockCode, Description, Quantity,
/// InvoiceDate, UnitPrice, CustomerID, Country) to events, in GBP.
///
/// - Each sale invoice becomes an `order_placed` (lines by StockCode and price; postage codes
///   POST, DOT and C2 become its shipping), each customer a `customer_created` at their first
///   invoice with the country as an attribute.
/// - Each cancellation invoice (`C…`) becomes `order_refunded` events against the customer's
///   latest earlier orders that still hold those products, with the lines and their value.
/// - A `clock` event opens each month, and one follows the last invoice.
///
/// Rows that cannot be used are counted by reason in ``Report``, never dropped silently: no
/// customer id, bad-debt adjustments (`A…` invoices), stock adjustments (negative quantities on
/// sale invoices), fees and discount lines, prices finer than a penny, cancellations of
/// purchases made before the file begins, and rows that do not parse. Times are the file's UK
/// local times, read as UTC.
///
/// ```swift
/// let result = try OnlineRetailImport.convert(CSVRecords(bytes))
/// for event in result.events { print(event.json.text) }
/// print(result.report.skipped)   // [.noCustomer: 135080, …]
/// ```
public enum OnlineRetailImport {
    /// The header the file must start with.
    public static let columns = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]

    /// Why a row was not used.
    public enum SkipReason: String, Hashable, Sendable, CaseIterable, Comparable {
        case noCustomer = "no CustomerID (a guest sale)"
        case badDebt = "a bad-debt adjustment (an A invoice)"
        case stockAdjustment = "a negative quantity on a sale invoice (a stock adjustment)"
        case fee = "a fee, not a sale (BANK CHARGES, AMAZONFEE, CRUK)"
        case discountLine = "a discount line (StockCode D)"
        case subPennyPrice = "a price finer than a penny"
        case cancelledExtra = "cancelled postage or fee"
        case unmatchedCancellation = "a cancellation of a purchase not in the file (or already cancelled)"
        case noProductLines = "an invoice with no product lines left"
        case malformed = "a row that does not parse (columns, quantity, date or price)"

        public static func < (lhs: SkipReason, rhs: SkipReason) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the conversion made and what it left out.
    public typealias Report = ImportReport<SkipReason>

    private static let postage: Set<String> = ["POST", "DOT", "C2"]
    private static let fees: Set<String> = ["BANK CHARGES", "AMAZONFEE", "CRUK"]

    private struct Row {
        var line: Int
        var invoice: String
        var sku: String
        var quantity: Int64
        var at: Timestamp
        var price: Money
        var customer: String
        var country: String
    }

    /// An order as the conversion tracks it, for matching cancellations.
    private struct PlacedOrder {
        var id: String
        var at: Timestamp
        var left: Int64
        var units: [String: Int64]
    }

    /// Converts the records of the file (the header first).
    public static func convert(_ records: some Sequence<CSVRecords.Record>) throws(ImportError) -> (events: [Event], report: Report) {
        var report = Report()
        var iterator = records.makeIterator()
        guard let header = iterator.next() else { throw ImportError(message: "the file is empty; expected the header \(columns.joined(separator: ","))") }
        let names = header.fields.map { $0.trimmingBOM }
        guard names == columns else {
            throw ImportError(message: "line 1 has the columns \(names.joined(separator: ",")); an Online Retail file starts with \(columns.joined(separator: ","))")
        }
        // Invoices in the order they first appear, with their rows.
        var invoiceOrder: [String] = []
        var rowsByInvoice: [String: [Row]] = [:]
        while let record = iterator.next() {
            report.rowsRead += 1
            let row: Row
            switch parse(record) {
            case .success(let parsed): row = parsed
            case .failure(let reason):
                report.skip(reason.reason, line: record.line)
                continue
            }
            if row.invoice.hasPrefix("A") {
                report.skip(.badDebt, line: row.line)
                continue
            }
            if row.customer.isEmpty {
                report.skip(.noCustomer, line: row.line)
                continue
            }
            if rowsByInvoice[row.invoice] == nil { invoiceOrder.append(row.invoice) }
            rowsByInvoice[row.invoice, default: []].append(row)
        }

        var events: [(at: Timestamp, sequence: Int, event: Event)] = []
        func add(_ id: String, _ at: Timestamp, _ payload: EventPayload) {
            events.append((at, events.count, Event(id: id, at: at, payload: payload)))
        }
        var known: Set<String> = []
        var ordersByCustomer: [String: [PlacedOrder]] = [:]
        for invoice in invoiceOrder {
            let rows = rowsByInvoice[invoice] ?? []
            guard let first = rows.first else { continue }
            if invoice.hasPrefix("C") {
                cancel(invoice, rows, orders: &ordersByCustomer[first.customer, default: []], report: &report, add: add)
                continue
            }
            var lines: [OrderLine] = []
            var shipping: Int64 = 0
            var used: [Int] = []
            for row in rows {
                if row.quantity < 0 {
                    report.skip(.stockAdjustment, line: row.line)
                } else if fees.contains(row.sku) {
                    report.skip(.fee, line: row.line)
                } else if row.sku == "D" {
                    report.skip(.discountLine, line: row.line)
                } else if postage.contains(row.sku) {
                    shipping += row.price.minorUnits * row.quantity
                    used.append(row.line)
                } else if row.quantity > 0 {
                    if let index = lines.firstIndex(where: { $0.sku == row.sku && $0.unitPrice == row.price }) {
                        lines[index].quantity += row.quantity
                    } else {
                        lines.append(OrderLine(sku: row.sku, quantity: row.quantity, unitPrice: row.price))
                    }
                    used.append(row.line)
                }
            }
            guard !lines.isEmpty else {
                for line in used { report.skip(.noProductLines, line: line) }
                continue
            }
            report.rowsUsed += used.count
            if known.insert(first.customer).inserted {
                report.customers += 1
                add("customer-\(first.customer)", first.at, .customerCreated(CustomerProfile(
                    id: first.customer, attributes: first.country.isEmpty ? nil : ["country": .string(first.country)])))
            }
            let total = lines.reduce(Int64(0)) { $0 + $1.amount.minorUnits } + shipping
            add("invoice-\(invoice)", first.at, .orderPlaced(Order(
                id: invoice, customerID: first.customer, currency: .gbp, channel: "online", lines: lines,
                shipping: Money(minorUnits: shipping, currency: .gbp), total: Money(minorUnits: total, currency: .gbp))))
            report.orders += 1
            var units: [String: Int64] = [:]
            for line in lines { units[line.sku, default: 0] += line.quantity }
            ordersByCustomer[first.customer, default: []].append(PlacedOrder(id: invoice, at: first.at, left: total, units: units))
        }
        // A clock opens each month after the first, and one follows the last invoice.
        if let firstAt = events.map(\.at).min(), let lastAt = events.map(\.at).max() {
            var (year, month, _) = firstAt.day.civil
            while true {
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
                guard let day = Day(year: year, month: month, day: 1), Timestamp(day: day) <= lastAt else { break }
                add("clock-\(day.iso)", Timestamp(day: day), .clock)
            }
            add("clock-\((lastAt.day + 1).iso)", Timestamp(day: lastAt.day + 1), .clock)
        }
        events.sort { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
        return (events.map(\.event), report)
    }

    /// A cancellation invoice: each row's units come off the customer's latest earlier orders
    /// that still hold that product, as refunds of those lines at the cancelled price.
    private static func cancel(
        _ invoice: String, _ rows: [Row], orders: inout [PlacedOrder], report: inout Report,
        add: (String, Timestamp, EventPayload) -> Void
    ) {
        guard let first = rows.first else { return }
        var refunds: [String: (amount: Int64, lines: [LineQuantity])] = [:]
        var targets: [String] = []
        for row in rows {
            if postage.contains(row.sku) || fees.contains(row.sku) {
                report.skip(.cancelledExtra, line: row.line)
                continue
            }
            if row.sku == "D" {
                report.skip(.discountLine, line: row.line)
                continue
            }
            var wanted = -row.quantity
            guard wanted > 0 else {
                report.skip(.malformed, line: row.line)
                continue
            }
            var matched = false
            for index in orders.indices.reversed() where orders[index].at < row.at && wanted > 0 {
                let held = orders[index].units[row.sku] ?? 0
                guard held > 0, orders[index].left > 0 else { continue }
                let units = min(held, wanted)
                let amount = min(units * row.price.minorUnits, orders[index].left)
                orders[index].units[row.sku] = held - units
                orders[index].left -= amount
                wanted -= units
                let id = orders[index].id
                if refunds[id] == nil { targets.append(id) }
                refunds[id, default: (0, [])].amount += amount
                refunds[id, default: (0, [])].lines.append(LineQuantity(sku: row.sku, quantity: units))
                matched = true
            }
            if matched { report.rowsUsed += 1 } else { report.skip(.unmatchedCancellation, line: row.line) }
        }
        for id in targets {
            guard let refund = refunds[id] else { continue }
            report.refunds += 1
            add("cancel-\(invoice)-\(id)", first.at, .orderRefunded(OrderRefund(
                orderID: id, customerID: first.customer, amount: Money(minorUnits: refund.amount, currency: .gbp),
                lines: merge(refund.lines))))
        }
    }

    private static func merge(_ lines: [LineQuantity]) -> [LineQuantity] {
        var order: [String] = []
        var units: [String: Int64] = [:]
        for line in lines {
            if units[line.sku] == nil { order.append(line.sku) }
            units[line.sku, default: 0] += line.quantity
        }
        return order.map { LineQuantity(sku: $0, quantity: units[$0] ?? 0) }
    }

    private struct Unusable: Error {
        var reason: SkipReason
    }

    private static func parse(_ record: CSVRecords.Record) -> Result<Row, Unusable> {
        let f = record.fields
        guard f.count == columns.count, !record.isUnterminated, let quantity = Int64(f[3]), let at = timestamp(f[4]) else {
            return .failure(Unusable(reason: .malformed))
        }
        let price: Money
        do {
            price = try Money(parsing: f[5], currency: .gbp)
        } catch {
            // Prices with three decimals (0.001) are real, but no order can be paid in them.
            return .failure(Unusable(reason: error.code == .tooManyDecimals ? .subPennyPrice : .malformed))
        }
        return .success(Row(line: record.line, invoice: f[0], sku: f[1], quantity: quantity, at: at, price: price, customer: f[6], country: f[7]))
    }

    /// "12/1/2010 8:26": month/day/year hour:minute.
    private static func timestamp(_ text: String) -> Timestamp? {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == " " || $0 == ":" })
        guard parts.count == 5, let month = Int(parts[0]), let dayOfMonth = Int(parts[1]), let year = Int(parts[2]),
            let hour = Int(parts[3]), let minute = Int(parts[4]), (0..<24).contains(hour), (0..<60).contains(minute),
            let day = Day(year: year, month: month, day: dayOfMonth)
        else { return nil }
        return Timestamp(milliseconds: Timestamp(day: day).milliseconds + Int64(hour * 60 + minute) * 60_000)
    }
}

extension String {
    /// The text without a UTF-8 byte order mark in front.
    fileprivate var trimmingBOM: String { hasPrefix("\u{FEFF}") ? String(dropFirst()) : self }
}
