import Foundation
import Testing

@Suite("retention-host report")
struct ReportCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let exampleStore = root.appendingPathComponent("Examples/Store/events.jsonl").path

    /// The example store replayed through the plugin library into a fresh SQLite file.
    static func replayedStore() throws -> String {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).sqlite").path
        let replay = try Host.run([
            "replay", exampleStore, "--plugins", CrashTests.plugins, "--store", store, "--points-expire-days", "365",
        ])
        #expect(replay.status == 0, "\(replay.standardError)")
        return store
    }

    @Test("--json gives every section, and the figures agree with each other and with balances")
    func json() throws {
        let store = try Self.replayedStore()
        let output = try Host.run(["report", "--store", store, "--from", "2024-12-01", "--point-value", "1.00/100", "--json"])
        #expect(output.status == 0, "\(output.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        #expect(report["currency"] as? String == "USD")
        #expect(report["to"] as? String == "2027-09-02")   // the latest event in the store
        let orders = try #require(report["orders"] as? [String: Any])
        #expect(orders["given"] as? Int == 734)
        #expect(orders["counted"] as? Int == 704)
        #expect(orders["cancelled"] as? Int == 30)

        // Retention periods are quarters from --from, each with S, N and E.
        let retention = try #require(report["retention"] as? [[String: Any]])
        #expect(retention.first?["start"] as? String == "2024-12-01")
        #expect(retention.last?["end"] as? String == "2027-09-02")
        for period in retention {
            let s = try #require(period["customers_at_start"] as? Int), n = try #require(period["acquired"] as? Int)
            let e = try #require(period["customers_at_end"] as? Int)
            if s > 0, let rate = period["retention_rate"] as? Double {
                #expect(abs(rate - Double(e - n) / Double(s) * 100) < 1e-9)
            }
        }

        // The cohorts hold every customer who bought.
        let cohorts = try #require((report["cohorts"] as? [String: Any])?["cohorts"] as? [[String: Any]])
        let behaviour = try #require(report["behaviour"] as? [String: Any])
        #expect(cohorts.reduce(0) { $0 + ($1["size"] as? Int ?? 0) } == behaviour["customers"] as? Int)
        let segments = try #require(report["rfm_segments"] as? [String: Int])
        #expect(segments.values.reduce(0, +) == behaviour["customers"] as? Int)

        // The models come with their time unit and log-likelihood.
        let predictive = try #require(report["predictive"] as? [String: Any])
        let bgnbd = try #require(predictive["bg_nbd"] as? [String: Any])
        #expect(bgnbd["time_unit"] as? String == "days")
        #expect((bgnbd["log_likelihood"] as? Double ?? 0) < 0)
        #expect(bgnbd["converged"] as? Bool == true)
        #expect(predictive["gamma_gamma"] is [String: Any])

        // Points: what was earned is held, spent, expired or taken back (less debt settled), and
        // what is held equals the balances command's sum; at a cent a point it is worth that in cents.
        let loyalty = try #require(report["loyalty"] as? [String: Any])
        func points(_ key: String) -> Int { loyalty[key] as? Int ?? -1 }
        let held = points("available") + points("pending")
        let accounted = held + points("redeemed") + points("expired") + points("reversed") + points("adjusted_down") - points("adjusted_up")
        #expect(accounted <= points("earned") && accounted > points("earned") - 1_000)
        let balances = try Host.run(["balances", "--store", store, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(balances.standardOutput.utf8)) as? [[String: Any]])
        #expect(loyalty["liability"] as? String == String(format: "%d.%02d", held / 100, held % 100))
        let tiers = try #require(report["tiers"] as? [[String: Any]])
        #expect(tiers.reduce(0) { $0 + ($1["customers"] as? Int ?? 0) } == rows.count)
        // Balances are as of each customer's last activity; the report's are on --to, after
        // expiries since, so it holds no more.
        #expect(held <= rows.reduce(0) { $0 + ($1["available"] as? Int ?? 0) + ($1["pending"] as? Int ?? 0) })
    }

    static let browserAvailable = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(
        "--html writes one page whose every chart renders with data in headless Chromium, without a script error",
        .enabled(
            if: browserAvailable || ProcessInfo.processInfo.environment["CI"] != nil,
            "chromium is not installed (apt-get install chromium; scripts/test installs it)"))
    func html() throws {
        let store = try Self.replayedStore()
        let page = store + ".html"
        let output = try Host.run(["report", "--store", store, "--point-value", "1.00/100", "--html", page])
        #expect(output.status == 0, "\(output.standardError)")
        let text = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!text.contains("<script"))
        #expect(!text.contains("src=\"http") && !text.contains("href=\"http"))   // no external asset
        for chart in ["cohorts", "retention", "clv", "alive", "rfm", "tiers", "liability", "satisfaction", "lift"] {
            #expect(text.contains("data-chart=\"\(chart)\""), "no \(chart) chart")
        }
        let check = Process()
        check.executableURL = Self.root.appendingPathComponent("scripts/check-report-html")
        check.arguments = [page]
        let errors = Pipe()
        check.standardError = errors
        check.standardOutput = Pipe()
        try check.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "\(message)")
    }

    @Test("The tables name every section")
    func text() throws {
        let store = try Self.replayedStore()
        let output = try Host.run(["report", "--store", store, "--period", "year"])
        #expect(output.status == 0, "\(output.standardError)")
        for heading in ["Purchase behaviour", "Retention by year", "Cohorts by month", "RFM segments", "Predictive customer value",
                        "Loyalty points", "Loyalty members", "Tiers"] {
            #expect(output.standardOutput.contains(heading), "no \(heading) in:\n\(output.standardOutput)")
        }
    }

    @Test("Bad options are refused with what to write instead", arguments: [
        (["--to", "2027-02-30"], "YYYY-MM-DD"), (["--period", "fortnight"], "week, month, quarter or year"),
        (["--point-value", "1.005/100"], "MONEY/POINTS"), (["--from", "2028-01-01"], "ends before it starts"),
        (["--channel", "web", "--members"], "--channel and --members each cut the store; give one"),
        (["--tenure", "90"], "MIN-MAX days"), (["--tenure", "90-30"], "MIN-MAX days"),
        (["--hygiene-off", "skip-refunds"], "the rules are skip-cancelled, skip-fully-refunded, subtract-refunds"),
    ])
    func badOptions(_ options: [String], _ hint: String) throws {
        let store = try Self.replayedStore()
        let output = try Host.run(["report", "--store", store] + options)
        #expect(output.status != 0)
        #expect(output.standardError.contains(hint), "\(output.standardError)")
    }

    @Test("--customers subscription counts subscribers from start to cancellation")
    func subscribers() throws {
        let lines = [
            #"{"id":"c1","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"ana"}}"#,
            #"{"id":"c2","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"bo"}}"#,
            #"{"id":"o1","type":"order_placed","at":"2026-01-03T09:00:00Z","order":{"id":"o1","customer_id":"ana","currency":"USD","lines":[{"sku":"BEANS","quantity":1,"unit_price":"20.00"}],"total":"20.00"}}"#,
            #"{"id":"s1","type":"subscription_started","at":"2026-01-03T09:00:00Z","subscription":{"id":"box","customer_id":"ana","plan":"coffee","interval":{"count":1,"unit":"month"},"currency":"USD","items":[{"sku":"BEANS","quantity":1,"unit_price":"20.00"}]}}"#,
            #"{"id":"s2","type":"subscription_started","at":"2026-01-04T09:00:00Z","subscription":{"id":"box","customer_id":"bo","plan":"coffee","interval":{"count":1,"unit":"month"},"currency":"USD","items":[{"sku":"BEANS","quantity":1,"unit_price":"20.00"}]}}"#,
            #"{"id":"s3","type":"subscription_cancelled","at":"2026-02-10T09:00:00Z","subscription_id":"box","customer_id":"bo","reason":"moved"}"#,
            #"{"id":"k1","type":"clock","at":"2026-03-31T00:00:00Z"}"#,
        ]
        let folder = try PluginFolder(["events.jsonl": lines.joined(separator: "\n") + "\n"])
        let store = folder.path("store.sqlite")
        let replay = try Host.run(["replay", folder.path("events.jsonl"), "--plugins", CrashTests.plugins, "--store", store])
        #expect(replay.status == 0, "\(replay.standardError)")
        let output = try Host.run([
            "report", "--store", store, "--customers", "subscription", "--from", "2026-01-01", "--period", "month", "--json",
        ])
        #expect(output.status == 0, "\(output.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let months = try #require(report["retention"] as? [[String: Any]])
        #expect(months.map { $0["customers_at_end"] as? Int } == [2, 1, 1])
        #expect(months.map { $0["acquired"] as? Int } == [2, 0, 0])
        #expect(months[1]["retention_rate"] as? Double == 50)
    }

    /// Two customers: ana buys coffee on the web and gets a free replacement in the shop; bo
    /// buys tea in the shop.
    static func twoChannelStore() throws -> String {
        func order(_ id: String, _ customer: String, _ day: String, _ channel: String, _ category: String, _ price: String) -> String {
            #"{"id":"\#(id)","type":"order_placed","at":"\#(day)T09:00:00Z","order":{"id":"\#(id)","customer_id":"\#(customer)","currency":"USD","channel":"\#(channel)","lines":[{"sku":"\#(category.uppercased())","category":"\#(category)","quantity":1,"unit_price":"\#(price)"}],"total":"\#(price)"}}"#
        }
        let lines = [
            #"{"id":"c1","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"ana"}}"#,
            #"{"id":"c2","type":"customer_created","at":"2026-01-02T09:00:00Z","customer":{"id":"bo"}}"#,
            order("o1", "ana", "2026-01-03", "web", "coffee", "20.00"),
            order("o2", "ana", "2026-01-20", "pos", "coffee", "0.00"),
            order("o3", "bo", "2026-02-05", "pos", "tea", "30.00"),
            #"{"id":"k1","type":"clock","at":"2026-03-31T00:00:00Z"}"#,
        ]
        let folder = try PluginFolder(["events.jsonl": lines.joined(separator: "\n") + "\n"])
        let store = folder.path("store.sqlite")
        let replay = try Host.run(["replay", folder.path("events.jsonl"), "--plugins", CrashTests.plugins, "--store", store])
        #expect(replay.status == 0, "\(replay.standardError)")
        return store
    }

    static func jsonReport(_ store: String, _ options: [String]) throws -> [String: Any] {
        let output = try Host.run(["report", "--store", store, "--from", "2026-01-01", "--json"] + options)
        #expect(output.status == 0, "\(output.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
    }

    @Test("A cut keeps its orders and its customers' points and tiers, and the report names it")
    func cut() throws {
        let store = try Self.twoChannelStore()
        let whole = try Self.jsonReport(store, [])
        let web = try Self.jsonReport(store, ["--channel", "web"])
        let orders = try #require(web["orders"] as? [String: Any])
        #expect(orders["given"] as? Int == 3)
        #expect(orders["counted"] as? Int == 1)
        #expect(orders["outside_cut"] as? Int == 2)
        #expect((web["cut"] as? [String: String]) == ["kind": "channel", "name": "web"])
        #expect(whole["cut"] is NSNull)
        #expect((web["behaviour"] as? [String: Any])?["revenue"] as? String == "20.00")
        // Only ana bought on the web: her points and tier are the cut's, bo's are not.
        let earned = { (report: [String: Any]) in (report["loyalty"] as? [String: Any])?["earned"] as? Int ?? -1 }
        #expect(earned(web) > 0 && earned(web) < earned(whole))
        let customers = { (report: [String: Any]) in
            (report["tiers"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["customers"] as? Int ?? 0) }
        }
        #expect(customers(whole) == 2)
        #expect(customers(web) == 1)

        let tea = try Self.jsonReport(store, ["--category", "tea"])
        #expect((tea["behaviour"] as? [String: Any])?["revenue"] as? String == "30.00")
        let text = try Host.run(["report", "--store", store, "--tenure", "0-60"])
        #expect(text.standardOutput.contains("Cut: customers whose first order was 0–60 days before 2026-03-31"), "\(text.standardOutput)")
    }

    @Test("--hygiene-off counts what the rule left out, and the report says the rule was off")
    func hygieneOff() throws {
        let store = try Self.twoChannelStore()
        let raw = try Self.jsonReport(store, ["--hygiene-off", "skip-zero-value"])
        #expect((raw["orders"] as? [String: Any])?["counted"] as? Int == 3)
        #expect(raw["hygiene_rules_off"] as? [String] == ["skip-zero-value"])
        let clean = try Self.jsonReport(store, [])
        #expect((clean["orders"] as? [String: Any])?["zero_value"] as? Int == 1)
        #expect(clean["hygiene_rules_off"] as? [String] == [])
        let text = try Host.run(["report", "--store", store, "--hygiene-off", "skip-zero-value", "--hygiene-off", "skip-cancelled"])
        #expect(text.standardOutput.contains("Hygiene rules off: skip-cancelled, skip-zero-value"), "\(text.standardOutput)")
    }

    @Test("A store that does not exist is named")
    func missingStore() throws {
        let output = try Host.run(["report", "--store", "/nonexistent/shop.sqlite"])
        #expect(output.status != 0)
        #expect(output.standardError.contains("/nonexistent/shop.sqlite"))
    }
}
