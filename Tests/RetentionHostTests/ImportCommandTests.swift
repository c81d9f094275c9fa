import Foundation
import Testing

@Suite("retention-host import")
struct ImportCommandTests {
    static let onlineRetail = ReportCommandTests.root.deletingLastPathComponent()
        .appendingPathComponent("shared/data/online-retail.csv.gz").path

    @Test(
        "The real Online Retail file (gzip): every row used or counted by reason, and its events replay without a rejection",
        .enabled(if: FileManager.default.fileExists(atPath: onlineRetail), "../shared/data/online-retail.csv.gz is not here"))
    func realFile() throws {
        let folder = try PluginFolder([:])
        let events = folder.path("retail.jsonl")
        let output = try Host.run(["import", "online-retail", Self.onlineRetail, "-o", events, "--json"])
        #expect(output.status == 0, "\(output.standardError)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        #expect(summary["rows"] as? Int == 541_909)
        let skipped = try #require(summary["skipped"] as? [[String: Any]])
        let skippedRows = skipped.reduce(0) { $0 + ($1["rows"] as? Int ?? 0) }
        #expect((summary["rows_used"] as? Int ?? 0) + skippedRows == 541_909)
        // The data's README: 4,372 customers and 135,080 rows without one (three of those are
        // bad-debt adjustments, counted as such); customers with only cancellations have no order.
        #expect(skipped.first { ($0["reason"] as? String)?.hasPrefix("no CustomerID") == true }?["rows"] as? Int == 135_077)
        #expect(summary["customers"] as? Int == 4_338)
        #expect(summary["orders"] as? Int == 18_470)
        #expect(summary["refunds"] as? Int == 3_814)
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == summary["events"] as? Int)
        // The first 3,000 events through the whole plugin library: nothing rejected.
        let head = folder.path("head.jsonl")
        try (lines.prefix(3_000).joined(separator: "\n") + "\n").write(toFile: head, atomically: true, encoding: .utf8)
        let replay = try Host.run([
            "replay", head, "--plugins", CrashTests.plugins, "--store", folder.path("retail.sqlite"), "--currency", "GBP", "--json",
        ])
        #expect(replay.status == 0, "\(replay.standardError)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(replay.standardOutput.utf8)) as? [String: Any])
        #expect(result["applied"] as? Int == 3_000)
        #expect((result["rejected"] as? [Any])?.isEmpty == true, "\(result["rejected"] ?? "")")
    }

    @Test("The Shopify sample: every row used or counted, and the events replay without a rejection")
    func shopifySample() throws {
        let folder = try PluginFolder([:])
        let sample = ReportCommandTests.root.appendingPathComponent("Examples/Store/shopify-orders-sample.csv").path
        let output = try Host.run(["import", "shopify-orders", sample, "-o", folder.path("shop.jsonl"), "--json"])
        #expect(output.status == 0, "\(output.standardError)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        #expect(summary["rows"] as? Int == 8 && summary["rows_used"] as? Int == 5 && summary["orders"] as? Int == 4)
        #expect((summary["skipped"] as? [[String: Any]])?.reduce(0) { $0 + ($1["rows"] as? Int ?? 0) } == 3)
        let replay = try Host.run([
            "replay", folder.path("shop.jsonl"), "--plugins", CrashTests.plugins, "--store", folder.path("shop.sqlite"),
            "--currency", "USD", "--currency", "EUR", "--json",
        ])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(replay.standardOutput.utf8)) as? [String: Any])
        #expect(result["applied"] as? Int == summary["events"] as? Int)
        #expect((result["rejected"] as? [Any])?.isEmpty == true, "\(result)")
    }

    @Test("A missing file, an unknown format and a malformed offset are refused with what to do", arguments: [
        (["import", "online-retail", "/nonexistent/retail.csv", "-o", "/tmp/x.jsonl"], "no file at /nonexistent/retail.csv"),
        (["import", "woocommerce", "/nonexistent/retail.csv", "-o", "/tmp/x.jsonl"], "unknown format 'woocommerce'; known: online-retail, shopify-orders"),
        (["import", "shopify-orders", "/nonexistent/orders.csv", "-o", "/tmp/x.jsonl", "--utc-offset", "-4"],
         "--utc-offset -4: give it as +HH:MM or -HH:MM, e.g. -04:00"),
    ])
    func refusals(_ arguments: [String], _ message: String) throws {
        let output = try Host.run(arguments)
        #expect(output.status != 0)
        #expect(output.standardError.contains(message), "\(output.standardError)")
    }

    @Test("A CSV with other columns names them and the expected header")
    func wrongColumns() throws {
        let folder = try PluginFolder(["orders.csv": "Name,Paid at,Total\n#1001,2026-01-01,10.00\n"])
        let output = try Host.run(["import", "online-retail", folder.path("orders.csv"), "-o", folder.path("out.jsonl")])
        #expect(output.status != 0)
        #expect(output.standardError.contains("Name,Paid at,Total"), "\(output.standardError)")
        #expect(output.standardError.contains("InvoiceNo,StockCode"))
    }
}
