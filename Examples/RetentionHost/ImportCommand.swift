import ArgumentParser
import Foundation
import RetentionKit

/// `retention-host import`: converts a store's export to events.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert an export (CSV, plain or gzip-compressed) to JSON Lines events.",
        discussion: """
            Formats:
              online-retail   the UCI Online Retail CSV (InvoiceNo, StockCode, Description, Quantity, \
            InvoiceDate, UnitPrice, CustomerID, Country), in GBP: sale invoices become orders, C \
            invoices refunds of the latest earlier orders holding those products, a clock opens each month.
              shopify-orders  Shopify's orders export (one row per line item): customers by e-mail, \
            orders with their lines, payments, cancellations and refunded amounts.

            Rows that cannot be used are counted by reason and printed with example line numbers; \
            none is dropped silently. Documentation/Import.md has the mapping.

            Examples:
              retention-host import online-retail ../shared/data/online-retail.csv.gz -o retail.jsonl
              retention-host import shopify-orders orders_export.csv -o shop.jsonl
              retention-host import shopify-orders orders_export.csv -o shop.jsonl --utc-offset -04:00
              retention-host replay retail.jsonl --plugins Plugins --store retail.sqlite --currency GBP
            """
    )

    @Argument(help: "The export's format: online-retail or shopify-orders.")
    var format: String

    @Argument(help: "The export file (.csv, or gzip-compressed).")
    var file: String

    @Option(name: .shortAndLong, help: "The JSON Lines file to write.")
    var output: String

    @Option(parsing: .unconditional, help: "shopify-orders: the store's UTC offset (+02:00, -04:00), for times the export wrote without one.")
    var utcOffset: String = "+00:00"

    @Flag(help: "Print the summary as JSON.")
    var json = false

    /// `--utc-offset` in minutes.
    private var offsetMinutes: Int? {
        let text = Array(utcOffset)
        guard text.count == 6, text[0] == "+" || text[0] == "-", text[3] == ":",
              let hours = Int(String(text[1...2])), let minutes = Int(String(text[4...5])), hours <= 14, minutes < 60
        else { return nil }
        return (text[0] == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    /// What either format's conversion reports, for printing.
    private struct Summary {
        var rows = 0, used = 0, customers = 0, orders = 0, refunds = 0, cancellations = 0
        /// Reason, rows and example lines, most rows first.
        var skipped: [(reason: String, rows: Int, lines: [Int])] = []
        var notes: [String] = []

        init() {}

        init<Reason: RawRepresentable<String>>(_ report: ImportReport<Reason>) {
            (rows, used, customers, orders) = (report.rowsRead, report.rowsUsed, report.customers, report.orders)
            (refunds, cancellations) = (report.refunds, report.cancellations)
            skipped = report.skipped.map { ($0.key.rawValue, $0.value, report.examples[$0.key] ?? []) }
            notes = report.notes
        }
    }

    func validate() throws {
        guard ["online-retail", "shopify-orders"].contains(format) else {
            throw ValidationError("unknown format '\(format)'; known: online-retail, shopify-orders")
        }
        guard offsetMinutes != nil else {
            throw ValidationError("--utc-offset \(utcOffset): give it as +HH:MM or -HH:MM, e.g. -04:00")
        }
    }

    func run() throws {
        let bytes = try Self.read(file)
        let events: [Event]
        var summary = Summary()
        do {
            switch format {
            case "online-retail":
                let (converted, report) = try OnlineRetailImport.convert(CSVRecords(bytes))
                (events, summary) = (converted, Summary(report))
            case "shopify-orders":
                let (converted, report) = try ShopifyOrdersImport.convert(CSVRecords(bytes), offsetMinutes: offsetMinutes ?? 0)
                (events, summary) = (converted, Summary(report))
            default:
                throw ValidationError("unknown format '\(format)'; known: online-retail, shopify-orders")
            }
        } catch let error as ImportError {
            throw ValidationError("\(file): \(error.message)")
        }
        summary.skipped.sort { ($0.rows, $1.reason) > ($1.rows, $0.reason) }
        var text = ""
        text.reserveCapacity(events.count * 300)
        for event in events {
            text += event.json.text
            text += "\n"
        }
        do {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("-o \(output): cannot write it (\(error.localizedDescription))")
        }
        if json {
            let object: [String: Any] = [
                "rows": summary.rows, "rows_used": summary.used, "customers": summary.customers, "orders": summary.orders,
                "refunds": summary.refunds, "cancellations": summary.cancellations, "events": events.count,
                "skipped": summary.skipped.map { ["reason": $0.reason, "rows": $0.rows, "example_lines": $0.lines] as [String: Any] },
                "notes": summary.notes,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("\(summary.rows) rows: \(summary.used) used; \(summary.customers) customers, \(summary.orders) orders, \(summary.refunds) refunds, \(summary.cancellations) cancellations; \(events.count) events written to \(output)")
        for skip in summary.skipped {
            print("  skipped \(skip.rows) rows: \(skip.reason) (lines \(skip.lines.map(String.init).joined(separator: ", "))…)")
        }
        for note in summary.notes { print("  note: \(note) (--utc-offset)") }
    }

    /// The file's bytes, decompressed when it starts with gzip's magic number (through `gzip -dc`).
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("no file at \(path); give the export's path")
        }
        guard data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else { return Array(data) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(path) looks gzip-compressed but gzip could not read it: \(message)")
        }
        return Array(bytes)
    }
}
