import Foundation
import RetentionKit
import Testing

@Suite("Orders kept compact: stored states old and new read back every order")
struct OrderBookTests {
    static let program = Program(currencies: [.usd], returnWindowDays: 30)
    static let rules = RuleSet(earning: [PurchasePoints(categoryMultipliers: ["coffee": 2], firstOrderBonus: 50)])

    /// Customer c1's state as a store held it before orders were kept compact (each order
    /// whole, in a dictionary by id), written by retention-host replay with the plugin library:
    /// order o1 (two lines, shipping, tax and a discount, paid, one unit of SKU-1 refunded)
    /// and order o2. Its awards kept their points per line as a dictionary too.
    static let stateBeforeCompactOrders = Data(base64Encoded: [
        "AhQHcHJvZmlsZQICAmlkAQJjMQVlbWFpbAEOYzFAZXhhbXBsZS5jb20JY3JlYXRlZE9uAQPCwAIHYWNjb3VudAIJBnBvbGljeQIC",
        "CHJldmVyc2FsAgEKcmVjb3JkRGVidAIAGWFsbG93c05lZ2F0aXZlQWRqdXN0bWVudHMBAQAHZW50cmllcwMEAgoDa2V5ARRlMi9w",
        "dXJjaGFzZS1wb2ludHMvMARraW5kAQZlYXJuZWQGcG9pbnRzAQFmA2RheQEDxMACBnNvdXJjZQIGB2V2ZW50SUQBAmUyBHJ1bGUB",
        "D3B1cmNoYXNlLXBvaW50cwtydWxlVmVyc2lvbgEBMQdvcmRlcklEAQJvMQVsaW5lcwMCAQVTS1UtMQEFU0tVLTIGcmVhc29uAQhw",
        "dXJjaGFzZQthdmFpbGFibGVPbgEDgMECC3NldHRsZWREZWJ0AQEACXNob3J0ZmFsbAEBAARsb3RzAwAJZGVidE1vdmVkAQEAAgoD",
        "a2V5ARRlMi9wdXJjaGFzZS1wb2ludHMvMQRraW5kAQZlYXJuZWQGcG9pbnRzAQFkA2RheQEDxMACBnNvdXJjZQIGB2V2ZW50SUQB",
        "AmUyBHJ1bGUBD3B1cmNoYXNlLXBvaW50cwtydWxlVmVyc2lvbgEBMQdvcmRlcklEAQJvMQVsaW5lcwMABnJlYXNvbgERZmlyc3Qg",
        "b3JkZXIgYm9udXMLYXZhaWxhYmxlT24BA4DBAgtzZXR0bGVkRGVidAEBAAlzaG9ydGZhbGwBAQAEbG90cwMACWRlYnRNb3ZlZAEB",
        "AAIKA2tleQEXZTQvZTIvcHVyY2hhc2UtcG9pbnRzLzAEa2luZAEIcmV2ZXJzZWQGcG9pbnRzAQEtA2RheQEDysACBnNvdXJjZQIE",
        "B2V2ZW50SUQBAmU0B29yZGVySUQBAm8xBWxpbmVzAwAGcmVhc29uAQ5saW5lcyByZWZ1bmRlZAtzZXR0bGVkRGVidAEBAAhyZXZl",
        "cnNlcwEUZTIvcHVyY2hhc2UtcG9pbnRzLzAJc2hvcnRmYWxsAQEABGxvdHMDAQICA2xvdAEUZTIvcHVyY2hhc2UtcG9pbnRzLzAG",
        "cG9pbnRzAQEuCWRlYnRNb3ZlZAEBAAIKA2tleQEUZTUvcHVyY2hhc2UtcG9pbnRzLzAEa2luZAEGZWFybmVkBnBvaW50cwEBKANk",
        "YXkBA9LAAgZzb3VyY2UCBgdldmVudElEAQJlNQRydWxlAQ9wdXJjaGFzZS1wb2ludHMLcnVsZVZlcnNpb24BATEHb3JkZXJJRAEC",
        "bzIFbGluZXMDAQEFU0tVLTMGcmVhc29uAQhwdXJjaGFzZQthdmFpbGFibGVPbgEDjsECC3NldHRsZWREZWJ0AQEACXNob3J0ZmFs",
        "bAEBAARsb3RzAwAJZGVidE1vdmVkAQEABXRvZGF5AQPSwAIGdG90YWxzAgkGZWFybmVkAQLyAQhyZWRlZW1lZAEBAAdleHBpcmVk",
        "AQEACHJldmVyc2VkAQEuCGZvcmdpdmVuAQEACmFkanVzdGVkVXABAQAMYWRqdXN0ZWREb3duAQEADXRyYW5zZmVycmVkSW4BAQAO",
        "dHJhbnNmZXJyZWRPdXQBAQAMbGFzdEFjdGl2aXR5AQPSwAIEb3dlZAEBAARsb3RzAwMCBQNrZXkBFGUyL3B1cmNoYXNlLXBvaW50",
        "cy8wCHNlcXVlbmNlAQEACGVhcm5lZE9uAQPEwAILYXZhaWxhYmxlT24BA4DBAglyZW1haW5pbmcBATgCBQNrZXkBFGUyL3B1cmNo",
        "YXNlLXBvaW50cy8xCHNlcXVlbmNlAQECCGVhcm5lZE9uAQPEwAILYXZhaWxhYmxlT24BA4DBAglyZW1haW5pbmcBAWQCBQNrZXkB",
        "FGU1L3B1cmNoYXNlLXBvaW50cy8wCHNlcXVlbmNlAQEGCGVhcm5lZE9uAQPSwAILYXZhaWxhYmxlT24BA47BAglyZW1haW5pbmcB",
        "ASgEa2V5cwMEARRlMi9wdXJjaGFzZS1wb2ludHMvMAEUZTUvcHVyY2hhc2UtcG9pbnRzLzABF2U0L2UyL3B1cmNoYXNlLXBvaW50",
        "cy8wARRlMi9wdXJjaGFzZS1wb2ludHMvMQZhd2FyZHMCAxRlMi9wdXJjaGFzZS1wb2ludHMvMAICBnBvaW50cwEBZghyZXZlcnNl",
        "ZAEBLhRlNS9wdXJjaGFzZS1wb2ludHMvMAICBnBvaW50cwEBKAhyZXZlcnNlZAEBABRlMi9wdXJjaGFzZS1wb2ludHMvMQICBnBv",
        "aW50cwEBZAhyZXZlcnNlZAEBAAZvcmRlcnMCAgJvMQIGBW9yZGVyAgwCaWQBAm8xCmN1c3RvbWVySUQBAmMxCGN1cnJlbmN5AQVV",
        "U0Q6MgdjaGFubmVsAQN3ZWIFbGluZXMDAgIEA3NrdQEFU0tVLTEIY2F0ZWdvcnkBBmNvZmZlZQhxdWFudGl0eQEBBAl1bml0UHJp",
        "Y2UCAgptaW5vclVuaXRzAQLEEwhjdXJyZW5jeQEFVVNEOjICAwNza3UBBVNLVS0yCHF1YW50aXR5AQECCXVuaXRQcmljZQICCm1p",
        "bm9yVW5pdHMBAugHCGN1cnJlbmN5AQVVU0Q6MghzaGlwcGluZwICCm1pbm9yVW5pdHMBAt4HCGN1cnJlbmN5AQVVU0Q6MgN0YXgC",
        "AgptaW5vclVuaXRzAQLwAQhjdXJyZW5jeQEFVVNEOjIIZGlzY291bnQCAgptaW5vclVuaXRzAQKQAwhjdXJyZW5jeQEFVVNEOjII",
        "Z2lmdENhcmQCAgptaW5vclVuaXRzAQEACGN1cnJlbmN5AQVVU0Q6Mg5wb2ludHNSZWRlZW1lZAEBAA5wb2ludHNEaXNjb3VudAIC",
        "Cm1pbm9yVW5pdHMBAQAIY3VycmVuY3kBBVVTRDoyBXRvdGFsAgIKbWlub3JVbml0cwECrjUIY3VycmVuY3kBBVVTRDoyA2RheQED",
        "xMACCHJlZnVuZGVkAQLEEwZjbG9zZWQBAQAGcGFpZE9uAQPEwAIQcmV0dXJuZWRRdWFudGl0eQIBATABAQICbzICBQVvcmRlcgIL",
        "AmlkAQJvMgpjdXN0b21lcklEAQJjMQhjdXJyZW5jeQEFVVNEOjIFbGluZXMDAQIEA3NrdQEFU0tVLTMIY2F0ZWdvcnkBA3RlYQhx",
        "dWFudGl0eQEBAgl1bml0UHJpY2UCAgptaW5vclVuaXRzAQKgHwhjdXJyZW5jeQEFVVNEOjIIc2hpcHBpbmcCAgptaW5vclVuaXRz",
        "AQEACGN1cnJlbmN5AQVVU0Q6MgN0YXgCAgptaW5vclVuaXRzAQEACGN1cnJlbmN5AQVVU0Q6MghkaXNjb3VudAICCm1pbm9yVW5p",
        "dHMBAQAIY3VycmVuY3kBBVVTRDoyCGdpZnRDYXJkAgIKbWlub3JVbml0cwEBAAhjdXJyZW5jeQEFVVNEOjIOcG9pbnRzUmVkZWVt",
        "ZWQBAQAOcG9pbnRzRGlzY291bnQCAgptaW5vclVuaXRzAQEACGN1cnJlbmN5AQVVU0Q6MgV0b3RhbAICCm1pbm9yVW5pdHMBAqAf",
        "CGN1cnJlbmN5AQVVU0Q6MgNkYXkBA9LAAghyZWZ1bmRlZAEBAAZjbG9zZWQBAQAQcmV0dXJuZWRRdWFudGl0eQIACW9yZGVyRGF5",
        "cwMCAQPEwAIBA9LAAgxmaXJzdE9yZGVySUQBAm8xBXNwZW50AwIBBVVTRDoyAQKKQQtyZXZpZXdDb3VudAEBAA9yZXdhcmRlZFJl",
        "dmlld3MCABJyZXdhcmRlZFJldmlld1NLVXMDAAZhd2FyZHMCAghvcmRlcjpvMQMCAgQDa2V5ARRlMi9wdXJjaGFzZS1wb2ludHMv",
        "MAZwb2ludHMBAWYHcGVyTGluZQICATABAVwBMQEBCghyZXZlcnNlZAEBLgIEA2tleQEUZTIvcHVyY2hhc2UtcG9pbnRzLzEGcG9p",
        "bnRzAQFkB3BlckxpbmUCAAhyZXZlcnNlZAEBAAhvcmRlcjpvMgMBAgQDa2V5ARRlNS9wdXJjaGFzZS1wb2ludHMvMAZwb2ludHMB",
        "ASgHcGVyTGluZQIBATABASgIcmV2ZXJzZWQBAQAEdGllcgEGYnJvbnplCHRpZXJSYW5rAQEACXRpZXJTaW5jZQEDwsACDHRpZXJQ",
        "cm9ncmVzcwIFB21lYXN1cmUCAQVzcGVuZAIBAl8wAQVVU0Q6MgdjdXJyZW50AQKKQQhuZXh0VGllcgEGc2lsdmVyCnRvTmV4dFRp",
        "ZXIBA8bFAgp0b0tlZXBUaWVyAQEAD3Jldmlld2VkVGhyb3VnaAED0sACD3NjaGVkdWxlZFJldmlldwEDnsYCCHNlZ21lbnRzAwAM",
        "cmVmZXJyYWxEYXlzAwAJY2FtcGFpZ25zAwECBQhjYW1wYWlnbgEQc2VydmljZV9yZWNvdmVyeQd0cmlnZ2VyARBzZXJ2aWNlLXJl",
        "Y292ZXJ5BWNhdXNlAQhldmVudDplNANkYXkBA8rAAgdvdXRjb21lAQRzZW50",
    ].joined())!

    static func oldRecord() -> CustomerRecord {
        CustomerRecord(
            id: "c1", state: Array(stateBeforeCompactOrders), asOf: day("2026-03-09"), available: 0, pending: 98,
            lifetimeEarned: 121, tier: "bronze", segments: [], mergedInto: nil, version: 0)
    }

    @Test("A state stored before orders were compact decodes with every order as placed")
    func oldStateDecodes() throws {
        let customer = try StoredCustomer(decoding: Self.oldRecord())
        try #require(customer.orders.count == 2)
        let first = customer.orders[0]
        #expect(first.order.id == "o1" && first.order.customerID == "c1" && first.order.channel == "web")
        #expect(first.order.lines.map(\.sku) == ["SKU-1", "SKU-2"] && first.order.lines.map(\.category) == ["coffee", nil])
        #expect(first.order.lines.map(\.quantity) == [2, 1] && first.order.lines.map(\.unitPrice.minorUnits) == [1_250, 500])
        #expect(first.order.shipping.minorUnits == 495 && first.order.tax.minorUnits == 120 && first.order.discount.minorUnits == 200)
        #expect(first.order.total == Money(minorUnits: 3_415, currency: .usd))
        #expect(first.day == day("2026-03-02") && first.paidOn == day("2026-03-02") && first.refunded == 1_250 && !first.isClosed)
        #expect(customer.orders[1].order.id == "o2" && customer.orders[1].order.total.minorUnits == 2_000)
    }

    @Test("An engine goes on from an old state: cancelling the partly refunded order takes back the rest of its points")
    func oldStateGoesOn() throws {
        let store = MemoryStore()
        _ = try store.commit(CommitBatch(events: [], customers: [Self.oldRecord()], shared: nil, clock: nil))
        let engine = try StoredEngine(store: store, program: Self.program, rules: Self.rules)
        var script = EventScript()
        // The refund already took back one unit of SKU-1; the second unit cannot be refunded twice.
        let tooMuch = script("order_returned", "2026-03-10", #""order_id":"o1","customer_id":"c1","lines":[{"sku":"SKU-1","quantity":2}]"#)
        guard case .rejected(let error) = try engine.apply(tooMuch) else { Issue.record("returning 2 units of SKU-1 was accepted"); return }
        #expect(error.message.contains("no 2 unit(s) of SKU-1 left"))
        // The award's points per line came from the old state: returning SKU-2 takes back its line's share.
        let giveBack = script("order_returned", "2026-03-10", #""order_id":"o1","customer_id":"c1","lines":[{"sku":"SKU-2","quantity":1}]"#)
        guard case .applied(let returned) = try engine.apply(giveBack) else { Issue.record("returning SKU-2 was not applied"); return }
        // SKU-2 cost $5.00 and earned a point a dollar; without its line's share nothing would go.
        #expect(returned.entries.map(\.entry.kind) == [.reversed] && returned.entries.map(\.entry.points.value) == [-5])
        let cancel = script.orderEvent("order_cancelled", "o1", of: "c1", "2026-03-10")
        guard case .applied = try engine.apply(cancel) else { Issue.record("cancelling o1 was not applied"); return }
        let entries = try #require(engine.engine.account(of: "c1")?.entries)
        let earnedOnO1 = entries.filter { $0.source.orderID == "o1" }
        #expect(earnedOnO1.contains { $0.kind == .earned } && earnedOnO1.reduce(0) { $0 + $1.points.value } == 0)
    }

    @Test("A customer with many orders (past the id index) keeps them in order through a store")
    func manyOrdersThroughAStore() throws {
        let store = MemoryStore()
        var script = EventScript()
        var events = [script.customer("big", "2026-01-01")]
        for number in 0..<40 { events.append(script.order("o\(number)", of: "big", "2026-01-02", "10.00")) }
        let engine = try StoredEngine(store: store, program: Self.program, rules: Self.rules)
        _ = try engine.apply(events)
        // A second engine reads the state back and refunds an early order and a late one.
        let again = try StoredEngine(store: store, program: Self.program, rules: Self.rules)
        for id in ["o3", "o38"] {
            let refund = script("order_refunded", "2026-01-03", #""order_id":"\#(id)","customer_id":"big","amount":"10.00","currency":"USD""#)
            guard case .applied(let decisions) = try again.apply(refund) else { Issue.record("refunding \(id) was not applied"); continue }
            #expect(decisions.entries.allSatisfy { $0.entry.kind == .reversed && $0.entry.source.orderID == id })
            #expect(!decisions.entries.isEmpty)
        }
        let duplicate = script.order("o17", of: "big", "2026-01-04", "5.00")
        guard case .rejected(let error) = try again.apply(duplicate) else { Issue.record("a second o17 was accepted"); return }
        #expect(error.message.contains("order o17 was placed before"))
        let stored = try StoredCustomer(decoding: try #require(store.customers(["big"]).first))
        // Stored orders come by day, then id.
        #expect(stored.orders.map(\.order.id) == (0..<40).map { "o\($0)" }.sorted())
        #expect(stored.orders.filter(\.isClosed).map(\.order.id) == ["o3", "o38"])
    }
}
