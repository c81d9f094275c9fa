/// Converts Shopify's orders export (CSV, one row per line item; the order's fields on its
/// first row) to events. Columns are found by name; these are read: `Name`, `Email`, `Phone`,
/// `Billing Phone`, `Financial Status`, `Paid at`, `Currency`, `Shipping`, `Taxes`, `Total`,
/// `Discount Amount`, `Created at`, `Lineitem quantity`, `Lineitem name`, `Lineitem price`,
/// `Lineitem sku`, `Cancelled at`, `Refunded Amount`, `Source`; the others are ignored.
///
/// - A customer is their e-mail address, lower-cased: `customer_created` at their first order.
///   An order without an e-mail (cash-on-delivery and phone-order stores export many) goes to
///   the customer whose orders with an e-mail carry the same phone (`Phone`, else `Billing
///   Phone`; digits and a leading +), or else to a customer known by that phone, with the
///   phone as id and in the `phone` attribute.
/// - Each order becomes `order_placed` at `Created at` (lines by SKU, or by name without one;
///   shipping, taxes and the discount amount as given; `Source` as the channel), then
///   `order_paid` at `Paid at` when the status says it was paid, `order_cancelled` at
///   `Cancelled at`, and, for a refunded order that was not cancelled, `order_refunded` of the
///   `Refunded Amount`, dated with the payment (the export has no refund dates).
/// - Times are read with their UTC offset ("2026-05-01 10:00:00 +0200", as Shopify writes them);
///   a time written without one (some exports and hand-made files) is read at the offset the
///   caller gives, UTC by default, and the report's notes say how many were.
/// - Rows that cannot be used are counted by reason in ``Report``.
public enum ShopifyOrdersImport {
    /// The columns the conversion needs.
    public static let requiredColumns = [
        "Name", "Email", "Financial Status", "Currency", "Total", "Created at", "Lineitem quantity", "Lineitem price",
    ]

    /// Why a row was not used.
    public enum SkipReason: String, Hashable, Sendable, CaseIterable, Comparable {
        case noCustomer = "no customer e-mail or phone (a guest or POS sale)"
        case malformed = "a row that does not parse (quantity, price, money or date)"
        case orderRefused = "another row of an order left out (its currency, total, date or a line did not parse)"

        public static func < (lhs: SkipReason, rhs: SkipReason) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the conversion made and what it left out.
    public typealias Report = ImportReport<SkipReason>

    /// Converts the records of the export (the header first).
    ///
    /// - Parameter offsetMinutes: the UTC offset, in minutes, of times written without one
    ///   (the store's time zone; -240 for "2026-05-03 10:00:00" meaning 10:00 at UTC−4).
    public static func convert(
        _ records: some Sequence<CSVRecords.Record>, offsetMinutes: Int = 0
    ) throws(ImportError) -> (events: [Event], report: Report) {
        var iterator = records.makeIterator()
        guard let header = iterator.next() else {
            throw ImportError(message: "the file is empty; a Shopify orders export starts with its header (Name,Email,Financial Status,…)")
        }
        var column: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() { column[name.hasPrefix("\u{FEFF}") ? String(name.dropFirst()) : name] = index }
        let missing = requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else {
            throw ImportError(message: "line 1 lacks the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) of a Shopify orders export (it has \(header.fields.prefix(8).joined(separator: ","))…)")
        }
        var report = Report()
        var groups: [(name: String, rows: [CSVRecords.Record])] = []
        var index: [String: Int] = [:]
        while let record = iterator.next() {
            report.rowsRead += 1
            let name = field(record, "Name", column)
            if let position = index[name] {
                groups[position].rows.append(record)
            } else {
                index[name] = groups.count
                groups.append((name, [record]))
            }
        }
        var events: [(at: Timestamp, sequence: Int, event: Event)] = []
        func add(_ id: String, _ at: Timestamp, _ payload: EventPayload) {
            events.append((at, events.count, Event(id: id, at: at, payload: payload)))
        }
        // The e-mail of each phone that orders with both carry, the first such order's.
        var emailOfPhone: [String: String] = [:]
        for (_, rows) in groups {
            guard let first = rows.first else { continue }
            let email = field(first, "Email", column).lowercased()
            if !email.isEmpty, let phone = phone(first, column), emailOfPhone[phone] == nil { emailOfPhone[phone] = email }
        }
        var known: Set<String> = []
        var withoutOffset = 0
        func timestamp(_ text: String) -> Timestamp? {
            if let time = Self.timestamp(text) { return time }
            guard let time = Self.timestamp(text, assumingOffsetMinutes: offsetMinutes) else { return nil }
            withoutOffset += 1
            return time
        }
        for (name, rows) in groups {
            guard let first = rows.first else { continue }
            func get(_ key: String) -> String { field(first, key, column) }
            let email = get("Email").lowercased()
            let phone = phone(first, column)
            guard let customer = email.isEmpty ? phone.map({ emailOfPhone[$0] ?? $0 }) : email else {
                report.skip(.noCustomer, line: first.line, count: rows.count)
                continue
            }
            guard let currency = try? Currency(code: get("Currency")), let created = timestamp(get("Created at")),
                let total = money(get("Total"), currency)
            else {
                report.skip(.malformed, line: first.line)
                if rows.count > 1 { report.skip(.orderRefused, line: first.line, count: rows.count - 1) }
                continue
            }
            var lines: [OrderLine] = []
            var badRow: Int?
            for row in rows {
                let sku = field(row, "Lineitem sku", column)
                guard let quantity = Int64(field(row, "Lineitem quantity", column)), quantity > 0,
                    let price = money(field(row, "Lineitem price", column), currency)
                else {
                    badRow = row.line
                    break
                }
                lines.append(OrderLine(sku: sku.isEmpty ? field(row, "Lineitem name", column) : sku, quantity: quantity, unitPrice: price))
            }
            // A line that does not parse would leave the order's lines short of its total: the
            // whole order is left out, its rows counted.
            if let badRow {
                report.skip(.malformed, line: badRow)
                report.skip(.orderRefused, line: first.line, count: rows.count - 1)
                continue
            }
            report.rowsUsed += rows.count
            if known.insert(customer).inserted {
                report.customers += 1
                let byPhone = customer == phone && email.isEmpty
                add("customer-\(customer)", created, .customerCreated(CustomerProfile(
                    id: customer, email: byPhone ? nil : customer, attributes: phone.map { ["phone": .string($0)] })))
            }
            let source = get("Source")
            add("order-\(name)", created, .orderPlaced(Order(
                id: name, customerID: customer, currency: currency, channel: source.isEmpty ? nil : source, lines: lines,
                shipping: money(get("Shipping"), currency), tax: money(get("Taxes"), currency),
                discount: money(get("Discount Amount"), currency), total: total)))
            report.orders += 1
            let status = get("Financial Status").lowercased()
            let paid = max(created, timestamp(get("Paid at")) ?? created)
            if ["paid", "partially_refunded", "refunded", "partially_paid"].contains(status) {
                add("paid-\(name)", paid, .orderPaid(OrderReference(orderID: name, customerID: customer)))
            }
            if let cancelled = timestamp(get("Cancelled at")) ?? (status == "voided" ? created : nil) {
                add("cancelled-\(name)", max(created, cancelled), .orderCancelled(OrderReference(orderID: name, customerID: customer)))
                report.cancellations += 1
            } else if let refunded = money(get("Refunded Amount"), currency), refunded.minorUnits > 0 {
                let amount = Money(minorUnits: min(refunded.minorUnits, total.minorUnits), currency: currency)
                add("refunded-\(name)", paid, .orderRefunded(OrderRefund(orderID: name, customerID: customer, amount: amount)))
                report.refunds += 1
            }
        }
        if withoutOffset > 0 {
            let sign = offsetMinutes < 0 ? "-" : "+"
            let zone = "UTC\(sign)\(String(format2: abs(offsetMinutes) / 60)):\(String(format2: abs(offsetMinutes) % 60))"
            report.notes.append("\(withoutOffset) time\(withoutOffset == 1 ? "" : "s") had no UTC offset and were read as \(zone); give the store's offset if that is wrong")
        }
        events.sort { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
        return (events.map(\.event), report)
    }

    /// The customer's phone on the order (`Phone`, else `Billing Phone`): its digits, with a
    /// leading + kept; nil when there are fewer than six digits.
    private static func phone(_ record: CSVRecords.Record, _ column: [String: Int]) -> String? {
        for name in ["Phone", "Billing Phone"] {
            let text = field(record, name, column)
            let digits = text.filter { $0.isASCII && $0.isNumber }
            guard digits.count >= 6 else { continue }
            return (text.drop { $0 == "'" || $0 == " " }.first == "+" ? "+" : "") + digits
        }
        return nil
    }

    private static func field(_ record: CSVRecords.Record, _ name: String, _ column: [String: Int]) -> String {
        guard let index = column[name], index < record.fields.count else { return "" }
        return record.fields[index].trimmingSpaces
    }

    private static func money(_ text: String, _ currency: Currency) -> Money? {
        text.isEmpty ? nil : try? Money(parsing: text, currency: currency)
    }

    /// The time of "2026-01-15 10:23:45 -0500" (Shopify's export: local time and offset) or of an
    /// ISO 8601 time; with `assumingOffsetMinutes`, also of "2026-01-15 10:23:45" (no offset),
    /// read at that offset. Nil for anything else.
    public static func timestamp(_ text: String, assumingOffsetMinutes assumed: Int? = nil) -> Timestamp? {
        guard !text.isEmpty else { return nil }
        if let iso = try? Timestamp(iso: text) { return iso }
        let parts = text.split(separator: " ")
        guard parts.count == 3 || (parts.count == 2 && assumed != nil), let day = try? Day(iso: parts[0]) else { return nil }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0..<61).contains(clock[2]) else {
            return nil
        }
        let offset: Int
        if parts.count == 2, let assumed {
            offset = assumed
        } else {
            let zone = parts[2]
            guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let hours = Int(zone.dropFirst().prefix(2)),
                let minutes = Int(zone.suffix(2))
            else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
        }
        let local = Int64(clock[0] * 3_600 + clock[1] * 60 + clock[2]) * 1_000
        return Timestamp(milliseconds: Timestamp(day: day).milliseconds + local - Int64(offset) * 60_000)
    }
}

extension String {
    /// A number of at most two digits, with a leading zero.
    fileprivate init(format2 number: Int) { self = number < 10 ? "0\(number)" : "\(number)" }

    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
