import Foundation
import RetentionKit
import Testing

/// Accounts find their keys and awards in their entries: stored accounts old and new decode,
/// and keys stay used however many entries an account holds.
@Suite("The ledger's keys and awards, read from its entries")
struct LedgerKeysTests {
    static let day = Day(year: 2026, month: 3, day: 2)!

    static func source(_ event: String, _ reason: String = "refund") -> LedgerSource {
        LedgerSource(eventID: event, orderID: "o1", reason: reason)
    }

    /// An account as stored before keys and awards were read from the entries, when it held a
    /// set of every key and a table of every award. Customer B earned 300 points on o2 (e2,
    /// pending 30 days), 100 of them were refunded (e3), and B was merged (m1) into customer A,
    /// who had earned 120 on o1 (e1) with 20 refunded (e4); then 50 more of B's award were
    /// refunded in A's account (e5). Lots expire after 365 days, debt is recorded.
    static let accountBeforeDerivedKeys = Data(base64Encoded: [
        "AgkGcG9saWN5AgMIcmV2ZXJzYWwCAQpyZWNvcmREZWJ0AgAJbG90RXhwaXJ5AgIEZGF5cwEC2gULcm91bmRlZFVwVG8CAQRu",
        "b25lAgAZYWxsb3dzTmVnYXRpdmVBZGp1c3RtZW50cwEBAAdlbnRyaWVzAwQCCwNrZXkBCWUxL3BvaW50cwRraW5kAQZlYXJu",
        "ZWQGcG9pbnRzAQLwAQNkYXkBA8TAAgZzb3VyY2UCBAdldmVudElEAQJlMQdvcmRlcklEAQJvMQVsaW5lcwMABnJlYXNvbgEI",
        "cHVyY2hhc2ULYXZhaWxhYmxlT24BA8TAAgdsYXN0RGF5AQOexgILc2V0dGxlZERlYnQBAQAJc2hvcnRmYWxsAQEABGxvdHMD",
        "AAlkZWJ0TW92ZWQBAQACCgNrZXkBCWU0L3JlZnVuZARraW5kAQhyZXZlcnNlZAZwb2ludHMBAScDZGF5AQPIwAIGc291cmNl",
        "AgQHZXZlbnRJRAECZTQHb3JkZXJJRAECbzEFbGluZXMDAAZyZWFzb24BBnJlZnVuZAtzZXR0bGVkRGVidAEBAAhyZXZlcnNl",
        "cwEJZTEvcG9pbnRzCXNob3J0ZmFsbAEBAARsb3RzAwECAgNsb3QBCWUxL3BvaW50cwZwb2ludHMBASgJZGVidE1vdmVkAQEA",
        "AgkDa2V5AQVtMS9pbgRraW5kAQt0cmFuc2ZlcnJlZAZwb2ludHMBApADA2RheQEDysACBnNvdXJjZQIDB2V2ZW50SUQBAm0x",
        "BWxpbmVzAwAGcmVhc29uAQZtZXJnZWQLc2V0dGxlZERlYnQBAQAJc2hvcnRmYWxsAQEABGxvdHMDAQICA2xvdAEJZTIvcG9p",
        "bnRzBnBvaW50cwECkAMJZGVidE1vdmVkAQEAAgoDa2V5AQllNS9yZWZ1bmQEa2luZAEIcmV2ZXJzZWQGcG9pbnRzAQFjA2Rh",
        "eQEDzMACBnNvdXJjZQIEB2V2ZW50SUQBAmU1B29yZGVySUQBAm8yBWxpbmVzAwAGcmVhc29uAQZyZWZ1bmQLc2V0dGxlZERl",
        "YnQBAQAIcmV2ZXJzZXMBCWUyL3BvaW50cwlzaG9ydGZhbGwBAQAEbG90cwMBAgIDbG90AQllMi9wb2ludHMGcG9pbnRzAQFk",
        "CWRlYnRNb3ZlZAEBAAV0b2RheQEDzMACBnRvdGFscwIJBmVhcm5lZAEC8AEIcmVkZWVtZWQBAQAHZXhwaXJlZAEBAAhyZXZl",
        "cnNlZAECjAEIZm9yZ2l2ZW4BAQAKYWRqdXN0ZWRVcAEBAAxhZGp1c3RlZERvd24BAQANdHJhbnNmZXJyZWRJbgECkAMOdHJh",
        "bnNmZXJyZWRPdXQBAQAMbGFzdEFjdGl2aXR5AQPEwAIEb3dlZAEBAARsb3RzAwICBgNrZXkBCWUxL3BvaW50cwhzZXF1ZW5j",
        "ZQEBAAhlYXJuZWRPbgEDxMACC2F2YWlsYWJsZU9uAQPEwAIHbGFzdERheQEDnsYCCXJlbWFpbmluZwECyAECBgNrZXkBCWUy",
        "L3BvaW50cwhzZXF1ZW5jZQECoB8IZWFybmVkT24BA8TAAgthdmFpbGFibGVPbgEDgMECB2xhc3REYXkBA57GAglyZW1haW5p",
        "bmcBAqwCBGtleXMDBwEFbTEvaW4BCWUzL3JlZnVuZAEJZTEvcG9pbnRzAQllNC9yZWZ1bmQBBm0xL291dAEJZTIvcG9pbnRz",
        "AQllNS9yZWZ1bmQGYXdhcmRzAgIJZTEvcG9pbnRzAgIGcG9pbnRzAQLwAQhyZXZlcnNlZAEBKAllMi9wb2ludHMCAgZwb2lu",
        "dHMBAtgECHJldmVyc2VkAQKsAg==",
    ].joined())!

    static func oldAccount() throws -> LoyaltyAccount {
        try StateCoder.decode(LoyaltyAccount.self, from: Array(accountBeforeDerivedKeys))
    }

    @Test("An old account keeps the keys and awards a merged account brought")
    func oldAccountKeepsInheritance() throws {
        var account = try Self.oldAccount()
        #expect(account.balance(on: Self.day + 4) == PointsBalance(available: 100, pending: 150, debt: 0))
        // Keys of the merged account's operations stay used, as do the account's own.
        for key in ["e2/points", "e3/refund", "m1/out", "e1/points", "e5/refund"] {
            let again = try account.adjust(key: key, points: 5, on: Self.day + 5, source: Self.source("x", "goodwill"))
            #expect(again == .duplicate, "key \(key) was applied again")
        }
        // The inherited award can give back what is left of it: 300 - 100 - 50.
        let rest = try account.reverse(key: "e6/refund", award: "e2/points", points: 1_000, on: Self.day + 5, source: Self.source("e6"))
        #expect(rest.entries.last?.points == -150)
        let none = try account.reverse(key: "e7/refund", award: "e2/points", points: 10, on: Self.day + 5, source: Self.source("e7"))
        #expect(none.entries.last?.points == 0 && none.entries.last?.shortfall == 0)
        // The account's own award: 120 - 20.
        let own = try account.reverse(key: "e8/refund", award: "e1/points", points: 1_000, on: Self.day + 5, source: Self.source("e8"))
        #expect(own.entries.last?.points == -100)
        #expect(account.balance == PointsBalance(available: 0, pending: 0, debt: 0))
    }

    @Test("An account written now reads back equal and goes on the same")
    func roundTrip() throws {
        let old = try Self.oldAccount()
        var stored = try StateCoder.decode(LoyaltyAccount.self, from: StateCoder.encode(old))
        #expect(stored == old)
        var live = old
        let a = try stored.reverse(key: "e6/refund", award: "e2/points", points: 1_000, on: Self.day + 5, source: Self.source("e6"))
        let b = try live.reverse(key: "e6/refund", award: "e2/points", points: 1_000, on: Self.day + 5, source: Self.source("e6"))
        #expect(a == b && stored == live)
    }

    @Test("Keys stay used in an account with many entries, live and stored", arguments: [10, 24, 25, 80])
    func manyEntries(count: Int) throws {
        var account = LoyaltyAccount()
        for index in 0..<count {
            try account.earn(key: "e\(index)/points", points: 10, on: Self.day + index, source: Self.source("e\(index)", "purchase"))
        }
        let stored = try StateCoder.decode(LoyaltyAccount.self, from: StateCoder.encode(account))
        #expect(stored == account)
        for var copy in [account, stored] {
            for index in 0..<count {
                let again = try copy.earn(key: "e\(index)/points", points: 10, on: Self.day + count, source: Self.source("x", "purchase"))
                #expect(again == .duplicate)
            }
            try copy.earn(key: "new/points", points: 10, on: Self.day + count, source: Self.source("new", "purchase"))
            #expect(copy.balance.available.value == Int64(count + 1) * 10)
            let twice = try copy.earn(key: "new/points", points: 10, on: Self.day + count, source: Self.source("new", "purchase"))
            #expect(twice == .duplicate)
        }
    }

    @Test("Awards stay reversible, never beyond what they earned, through two merges")
    func chainOfMerges() throws {
        var first = LoyaltyAccount()
        try first.earn(key: "a/points", points: 100, on: Self.day, source: Self.source("a", "purchase"))
        try first.reverse(key: "a/refund-1", award: "a/points", points: 30, on: Self.day, source: Self.source("r1"))
        var second = LoyaltyAccount()
        try second.earn(key: "b/points", points: 50, on: Self.day, source: Self.source("b", "purchase"))
        try second.transferIn(key: "m1/in", first.transferOut(key: "m1/out", on: Self.day + 1, source: Self.source("m1", "merge")),
                              on: Self.day + 1, source: Self.source("m1", "merge"))
        try second.reverse(key: "a/refund-2", award: "a/points", points: 20, on: Self.day + 2, source: Self.source("r2"))
        var third = LoyaltyAccount()
        try third.transferIn(key: "m2/in", second.transferOut(key: "m2/out", on: Self.day + 3, source: Self.source("m2", "merge")),
                             on: Self.day + 3, source: Self.source("m2", "merge"))
        third = try StateCoder.decode(LoyaltyAccount.self, from: StateCoder.encode(third))
        for key in ["a/points", "a/refund-1", "m1/out", "m1/in", "b/points", "a/refund-2", "m2/out"] {
            #expect(try third.adjust(key: key, points: 1, on: Self.day + 4, source: Self.source("x", "goodwill")) == .duplicate)
        }
        let rest = try third.reverse(key: "a/refund-3", award: "a/points", points: 500, on: Self.day + 4, source: Self.source("r3"))
        #expect(rest.entries.last?.points == -50)
        let other = try third.reverse(key: "b/refund", award: "b/points", points: 500, on: Self.day + 4, source: Self.source("r4"))
        #expect(other.entries.last?.points == -50)
        #expect(third.balance == PointsBalance(available: 0, pending: 0, debt: 0))
        #expect(throws: LedgerError.self) {
            try third.reverse(key: "m2/in/refund", award: "m2/in", points: 1, on: Self.day + 4, source: Self.source("r5"))
        }
    }
}
