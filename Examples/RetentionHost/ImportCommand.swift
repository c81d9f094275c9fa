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

            Rows that cannot be used are counted by reason and printed with example line numbers; \
            none is dropped silently. Documentation/Import.md has the mapping.

            Examples:
              retention-host import online-retail ../shared/data/online-retail.csv.gz -o retail.jsonl
              retention-host replay retail.jsonl --plugins Plugins --store retail.sqlite --currency GBP
            """
    )

    @Argument(help: "The export's format: online-retail.")
    var format: String

    @Argument(help: "The export file (.csv, or gzip-compressed).")
    var file: String

    @Option(name: .shortAndLong, help: "The JSON Lines file to write.")
    var output: String

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
        guard format == "online-retail" else {
            throw ValidationError("unknown format '\(format)'; known: online-retail (shopify-orders is not built yet)")
        }
        let bytes = try Self.read(file)
        let (events, report): ([Event], OnlineRetailImport.Report)
        do {
            (events, report) = try OnlineRetailImport.convert(CSVRecords(bytes))
        } catch {
            throw ValidationError("\(file): \(error.message)")
        }
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
            let skipped = report.skipped.keys.sorted().map { reason -> [String: Any] in
                ["reason": reason.rawValue, "rows": report.skipped[reason] ?? 0, "example_lines": report.examples[reason] ?? []]
            }
            let summary: [String: Any] = [
                "rows": report.rowsRead, "rows_used": report.rowsUsed, "customers": report.customers, "orders": report.orders,
                "refunds": report.refunds, "events": events.count, "skipped": skipped,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("\(report.rowsRead) rows: \(report.rowsUsed) used; \(report.customers) customers, \(report.orders) orders, \(report.refunds) refunds; \(events.count) events written to \(output)")
        for reason in report.skipped.keys.sorted(by: { report.skipped[$0, default: 0] > report.skipped[$1, default: 0] }) {
            let lines = (report.examples[reason] ?? []).map(String.init).joined(separator: ", ")
            print("  skipped \(report.skipped[reason] ?? 0) rows: \(reason.rawValue) (lines \(lines)…)")
        }
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
