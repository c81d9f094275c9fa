import PropertyBased
import RetentionKit
import Testing

@Suite("Imports: CSV, the Online Retail layout and Shopify's orders export")
struct ImportTests {
    static let fieldText = Generator<String, Shrink.None<String>> { rng in
        let pieces = ["a", "B", "1.5", ",", "\"", "\n", "\r\n", " ", "£", "é", "x y"]
        return (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static let tables = Generator<[[String]], Shrink.None<[[String]]>> { rng in
        let columns = Int.random(in: 1...5, using: &rng)
        return (0..<Int.random(in: 1...8, using: &rng)).map { _ in
            (0..<columns).map { _ in fieldText.run(using: &rng) }
        }
    }

    /// RFC 4180 rendering: quoted when the field holds a comma, quote or line break.
    static func render(_ table: [[String]]) -> String {
        table.map { row in
            row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    @Test("CSV written by the rules reads back field for field", .tags(.property))
    func csvRoundTrip() async {
        await propertyCheck(count: 500, input: Self.tables) { table in
            let records = Array(CSVRecords(Array(Self.render(table).utf8)))
            #expect(records.map(\.fields) == table, "\(Self.render(table))")
            #expect(records.allSatisfy { !$0.isUnterminated })
        }
    }

    @Test("Records know their first line, and an open quote at the end is reported")
    func csvLines() {
        let records = Array(CSVRecords(Array("a,\"two\nlines\"\r\nb,c\n\"open".utf8)))
        #expect(records.map(\.line) == [1, 3, 4])
        #expect(records[0].fields == ["a", "two\nlines"])
        #expect(records[1].fields == ["b", "c"])
        #expect(records[2].isUnterminated)
    }

    static let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"

    @Test("Sales become orders, cancellations refunds of the latest earlier order holding the product, and every unusable row is counted by reason")
    func onlineRetail() throws {
        let csv = Self.header + """
            536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
            536365,71053,"WHITE METAL LANTERN, LARGE",6,12/1/2010 8:26,3.39,17850,United Kingdom
            536365,POST,POSTAGE,1,12/1/2010 8:26,18,17850,United Kingdom
            536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom
            536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/3/2010 9:02,1.69,13047,United Kingdom
            536367,BANK CHARGES,Bank Charges,1,12/3/2010 9:02,15,13047,United Kingdom
            536367,PADS,PADS TO MATCH ALL CUSHIONS,1,12/3/2010 9:02,0.001,13047,United Kingdom
            536368,85123A,WHITE HANGING HEART T-LIGHT HOLDER,4,12/5/2010 10:00,2.55,17850,United Kingdom
            C536369,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-7,12/6/2010 11:00,2.55,17850,United Kingdom
            C536369,22222,NEVER BOUGHT,-1,12/6/2010 11:00,4.00,17850,United Kingdom
            C536369,D,Discount,-1,12/6/2010 11:00,5.00,17850,United Kingdom
            536370,22139,RETROSPOT TEA SET,-12,12/7/2010 12:00,0,17850,United Kingdom
            A563185,B,Adjust bad debt,1,12/8/2010 14:50,11062.06,,United Kingdom
            536371,22139,RETROSPOT TEA SET,two,12/8/2010 12:00,4.95,17850,United Kingdom
            536372,22139,RETROSPOT TEA SET,1,31/12/2010 12:00,4.95,17850,United Kingdom

            """
        let (events, report) = try OnlineRetailImport.convert(CSVRecords(Array(csv.utf8)))
        #expect(report.rowsRead == 15)
        #expect(report.orders == 3 && report.customers == 2 && report.refunds == 2)
        let skipped = report.skipped.values.reduce(0, +)
        #expect(report.rowsUsed + skipped == report.rowsRead)
        #expect(report.skipped == [
            .noCustomer: 1, .fee: 1, .subPennyPrice: 1, .unmatchedCancellation: 1, .discountLine: 1, .stockAdjustment: 1,
            .badDebt: 1, .malformed: 2,
        ])
        #expect(report.examples[.malformed] == [15, 16])
        let orders = events.compactMap { if case .orderPlaced(let order) = $0.payload { order } else { nil } }
        #expect(orders.map(\.id) == ["536365", "536367", "536368"])
        #expect(orders[0].shipping == Money(minorUnits: 18_00, currency: .gbp))
        #expect(orders[0].total == Money(minorUnits: 6 * 255 + 6 * 339 + 18_00, currency: .gbp))
        #expect(orders[0].lines.map(\.sku) == ["85123A", "71053"])
        // Seven hearts cancelled: four from the latest order (536368), three from 536365.
        let refunds = events.compactMap { if case .orderRefunded(let refund) = $0.payload { refund } else { nil } }
        #expect(refunds.map(\.orderID) == ["536368", "536365"])
        #expect(refunds.map { $0.lines?.first?.quantity } == [4, 3])
        #expect(refunds.map(\.amount.minorUnits) == [4 * 255, 3 * 255])
        #expect(events.first?.type == "customer_created")
        #expect(events.filter { $0.type == "clock" }.map { $0.at.day.iso } == ["2010-12-07"])   // the day after the last event
        // The events replay without a rejection.
        var engine = Engine(program: Program(currencies: [.gbp]), rules: RuleSet(earning: [PurchasePoints()]))
        for event in events {
            if case .rejected(let error) = engine.apply(event) { Issue.record("\(error)") }
        }
    }

    @Test("A file with other columns is refused, naming what it has and what it needs")
    func wrongHeader() {
        do {
            _ = try OnlineRetailImport.convert(CSVRecords(Array("Invoice,Price\n1,2\n".utf8)))
            Issue.record("a wrong header was accepted")
        } catch {
            #expect(error.message.contains("Invoice,Price"))
            #expect(error.message.contains("InvoiceNo,StockCode"))
        }
    }

    static let shopify = #"""
Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Cancelled at,Payment Method,Refunded Amount,Vendor,Id,Tags,Risk Level,Source
#1001,Ann@Example.com,paid,2026-01-15 10:25:00 -0500,fulfilled,2026-01-16 09:00:00 -0500,yes,USD,45.00,4.95,3.60,48.55,WELCOME5,5.00,Standard,2026-01-15 10:23:45 -0500,2,"Mug, blue",12.50,,MUG-01,true,true,fulfilled,Ann Lee,,Shopify Payments,0.00,Cafe,5001,,Low,web
#1001,,,,,,,,,,,,,,,,1,Beans 250g,20.00,,BEAN-250,true,true,fulfilled,,,,,,,,,
#1002,bo@example.com,refunded,2026-01-20 12:00:00 +0100,,,no,EUR,30.00,0.00,0.00,30.00,,0.00,,2026-01-20 11:59:00 +0100,1,Tea,30.00,,TEA-1,true,true,,Bo,,card,30.00,,5002,,Low,pos
#1003,ann@example.com,partially_refunded,2026-02-01 09:00:00 -0500,,,yes,USD,40.00,0.00,0.00,40.00,,0.00,,2026-02-01 08:59:00 -0500,2,Mug,20.00,,MUG-01,true,true,,Ann,,card,15.00,,5003,,Low,web
#1004,cy@example.com,voided,,,,no,USD,10.00,0.00,0.00,10.00,,0.00,,2026-02-02 08:00:00 -0500,1,Mug,10.00,,MUG-01,true,true,,Cy,2026-02-02 09:00:00 -0500,card,0.00,,5004,,Low,web
#1005,,paid,2026-02-03 10:00:00 -0500,,,no,USD,10.00,0.00,0.00,10.00,,0.00,,2026-02-03 10:00:00 -0500,1,Mug,10.00,,MUG-01,true,true,,Guest,,cash,0.00,,5005,,Low,pos
#1006,dee@example.com,paid,2026-02-04 10:00:00 -0500,,,no,USD,10.00,0.00,0.00,10.00,,0.00,,2026-02-04 10:00:00 -0500,one,Mug,10.00,,MUG-01,true,true,,Dee,,cash,0.00,,5006,,Low,web
#1006,,,,,,,,,,,,,,,,1,Spoon,2.00,,SPOON,true,true,,,,,,,,,,
"""#

    @Test("Shopify's orders export: customers by e-mail, orders with their lines, payments, cancellations and refunds; bad rows counted")
    func shopifyOrders() throws {
        let (events, report) = try ShopifyOrdersImport.convert(CSVRecords(Array(Self.shopify.utf8)))
        #expect(report.rowsRead == 8)
        #expect(report.rowsUsed + report.skipped.values.reduce(0, +) == report.rowsRead)
        #expect(report.skipped == [.noCustomer: 1, .malformed: 1, .orderRefused: 1])
        #expect(report.customers == 3 && report.orders == 4 && report.refunds == 2 && report.cancellations == 1)
        let orders = events.compactMap { if case .orderPlaced(let order) = $0.payload { order } else { nil } }
        #expect(orders.map(\.id) == ["#1001", "#1002", "#1003", "#1004"])
        let first = orders[0]
        #expect(first.customerID == "ann@example.com")   // e-mail, lower-cased
        #expect(first.lines.map(\.sku) == ["MUG-01", "BEAN-250"])
        #expect(first.discount.minorUnits == 500 && first.shipping.minorUnits == 495 && first.tax.minorUnits == 360)
        #expect(first.total.minorUnits == 4_855 && first.channel == "web")
        #expect(orders[1].currency == .eur)
        // 10:23:45 at −05:00 is 15:23:45 UTC.
        #expect(events.first { $0.id == "order-#1001" }?.at.iso == "2026-01-15T15:23:45Z")
        let types = events.filter { $0.customerID == "ann@example.com" }.map(\.type)
        #expect(types == ["customer_created", "order_placed", "order_paid", "order_placed", "order_paid", "order_refunded"])
        var engine = Engine(program: Program(currencies: [.usd, .eur]), rules: RuleSet(earning: [PurchasePoints()]))
        for event in events {
            if case .rejected(let error) = engine.apply(event) { Issue.record("\(error)") }
        }
        #expect(ShopifyOrdersImport.timestamp("2026-01-15 10:23:45 +0530")?.iso == "2026-01-15T04:53:45Z")
        #expect(ShopifyOrdersImport.timestamp("15/01/2026 10:23") == nil)
        #expect(ShopifyOrdersImport.timestamp("2026-01-15 10:23:45") == nil)
        #expect(ShopifyOrdersImport.timestamp("2026-01-15 10:23:45", assumingOffsetMinutes: -240)?.iso == "2026-01-15T14:23:45Z")
    }

    @Test("Orders without an e-mail (cash on delivery) go to the customer with the same phone, or to one known by the phone")
    func shopifyCustomersByPhone() throws {
        // The shape of a real cash-on-delivery export: no e-mail, the phone in Phone or only in
        // Billing Phone, a note spanning lines, a tax-inclusive total (Subtotal + Shipping).
        let csv = """
            Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Phone,Notes,Source,Phone
            #71733,,pending,,BDT,1400.00,100.00,0.00,1500.00,0.00,2026-04-05 21:06:21 +0400,1,Vinegar,1400.00,,+88001795326165,"First name: Md
            City: Dhaka",cod_form,+8801795326165
            #13519,kay@example.com,paid,2026-04-06 11:01:13 +0200,ZAR,699.00,85.00,91.17,784.00,0.00,2026-04-06 11:01:12 +0200,1,Mattress,699.00,FMATT,078 273 141,,web,
            #13520,,paid,2026-04-07 11:01:13 +0200,ZAR,259.00,85.00,33.78,344.00,0.00,2026-04-07 11:01:12 +0200,1,Whale,259.00,LD4807,'078 273 141,,web,
            #71734,,pending,,BDT,1400.00,100.00,0.00,1500.00,0.00,2026-04-08 21:37:56 +0400,1,Vinegar,1400.00,,,,cod_form,+88 01795-326165
            #71735,,pending,,BDT,1400.00,100.00,0.00,1500.00,0.00,2026-04-09 22:53:12 +0400,1,Vinegar,1400.00,,-,,cod_form,

            """
        let (events, report) = try ShopifyOrdersImport.convert(CSVRecords(Array(csv.utf8)))
        #expect(report.rowsRead == 5)
        #expect(report.skipped == [.noCustomer: 1])
        #expect(report.customers == 2 && report.orders == 4)
        let orders = events.compactMap { if case .orderPlaced(let order) = $0.payload { order } else { nil } }
        #expect(orders.map(\.customerID) == ["+8801795326165", "kay@example.com", "kay@example.com", "+8801795326165"])
        let profiles = events.compactMap { if case .customerCreated(let profile) = $0.payload { profile } else { nil } }
        #expect(profiles.map(\.id) == ["+8801795326165", "kay@example.com"])
        #expect(profiles.first?.email == nil && profiles.first?.attributes == ["phone": .string("+8801795326165")])
        #expect(profiles.last?.email == "kay@example.com")
        // Pending cash-on-delivery orders are placed, not paid.
        #expect(!events.contains { if case .orderPaid(let paid) = $0.payload { paid.orderID.hasPrefix("#717") } else { false } })
        var engine = Engine(
            program: Program(currencies: [try Currency(code: "ZAR"), try Currency(code: "BDT")]), rules: RuleSet(earning: [PurchasePoints()]))
        for event in events {
            if case .rejected(let error) = engine.apply(event) { Issue.record("\(error)") }
        }
    }

    @Test("An export whose times have no offset is read at the store's offset, and the report says how many were")
    func shopifyTimesWithoutOffset() throws {
        // A zero-decimal currency (Chilean pesos), times without an offset, a second line on a
        // row that carries only the line item's fields.
        let csv = """
            Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku
            #2001,ana@example.com,paid,2026-05-02 09:00:00,fulfilled,CLP,45990,3000,0,48990,2026-05-02 08:55:00,1,Lamp,45990,LMP-01
            #2002,beto@example.com,paid,2026-05-03 10:00:00 -0400,unfulfilled,CLP,20000,0,0,20000,2026-05-03 09:58:00 -0400,2,Bulb,10000,LED-10
            #2002,beto@example.com,,,,,,,,,,1,Cable,0,CBL-1

            """
        let (events, report) = try ShopifyOrdersImport.convert(CSVRecords(Array(csv.utf8)), offsetMinutes: -240)
        #expect(report.rowsUsed == 3 && report.orders == 2 && report.skipped.isEmpty)
        #expect(report.notes == ["2 times had no UTC offset and were read as UTC-04:00; give the store's offset if that is wrong"])
        let placed = events.compactMap { event -> (String, String, Int64)? in
            guard case .orderPlaced(let order) = event.payload else { return nil }
            return (order.id, event.at.iso, order.total.minorUnits)
        }
        #expect(placed.map(\.0) == ["#2001", "#2002"])
        #expect(placed.map(\.1) == ["2026-05-02T12:55:00Z", "2026-05-03T13:58:00Z"])
        #expect(placed.map(\.2) == [48_990, 20_000])
        // Without an offset to assume (UTC), the same rows are still used; only the times move.
        let (utc, utcReport) = try ShopifyOrdersImport.convert(CSVRecords(Array(csv.utf8)))
        #expect(utcReport.rowsUsed == 3)
        #expect(utc.first?.at.iso == "2026-05-02T08:55:00Z")
    }

    @Test("A file without Shopify's columns names those it lacks")
    func shopifyHeader() {
        do {
            _ = try ShopifyOrdersImport.convert(CSVRecords(Array("Name,Email\n#1,a@b.c\n".utf8)))
            Issue.record("a file without the columns was accepted")
        } catch {
            #expect(error.message.contains("Financial Status"), "\(error)")
        }
    }
}
