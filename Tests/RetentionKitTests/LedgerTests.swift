import RetentionKit
import Testing

/// Worked examples; Documentation/Ledger.md walks through the same ones.
@Suite("The loyalty ledger")
struct LedgerTests {
    static let march14 = Day(year: 2026, month: 3, day: 14)!

    static func source(_ event: String, _ reason: String = "purchase") -> LedgerSource {
        LedgerSource(eventID: event, rule: "points", ruleVersion: "1", orderID: "1001", lines: ["MUG-01"], reason: reason)
    }

    @Test("Pending points become available after the return window")
    func pending() throws {
        var account = LoyaltyAccount()
        let day = Self.march14
        try account.earn(key: "evt-1/points", points: 120, on: day, pendingDays: 30, source: Self.source("evt-1"))
        #expect(account.balance == PointsBalance(available: 0, pending: 120, debt: 0))
        account.advance(to: day + 29)
        #expect(account.balance.pending == 120)
        account.advance(to: day + 30)
        #expect(account.balance == PointsBalance(available: 120, pending: 0, debt: 0))
    }

    @Test("The same key twice awards once")
    func idempotent() throws {
        var account = LoyaltyAccount()
        try account.earn(key: "evt-1/points", points: 120, on: Self.march14, source: Self.source("evt-1"))
        let again = try account.earn(key: "evt-1/points", points: 120, on: Self.march14, source: Self.source("evt-1"))
        #expect(again == .duplicate)
        #expect(account.balance.available == 120)
        #expect(account.entries.count == 1)
    }

    @Test("Redemption spends the points that expire soonest, then the oldest, and fails whole when short")
    func redemption() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(lotExpiry: LotExpiry(days: 90)))
        let day = Self.march14
        try account.earn(key: "a", points: 100, on: day, source: Self.source("e1"))
        try account.adjust(key: "b", points: 50, on: day + 10, source: Self.source("e2", "goodwill"))
        let outcome = try account.redeem(key: "r1", points: 120, on: day + 20, source: Self.source("e3", "reward"))
        #expect(outcome.entries.last?.lots == [LotUse(lot: "a", points: 100), LotUse(lot: "b", points: 20)])
        #expect(account.balance.available == 30)
        #expect {
            try account.redeem(key: "r2", points: 31, on: day + 21, source: Self.source("e4", "reward"))
        } throws: { error in
            (error as? LedgerError)?.code == .insufficientPoints
                && "\(error)" == "r2: needs 31 points but only 30 are available on 2026-04-04"
        }
        #expect(account.balance.available == 30)
    }

    @Test("Points expire the day after their last day, rounded up to the month's end")
    func expiry() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(lotExpiry: LotExpiry(days: 30, roundedUpTo: .month)))
        try account.earn(key: "a", points: 80, on: Self.march14, source: Self.source("e1"))
        // 30 days after 2026-03-14 is 2026-04-13, rounded up to 2026-04-30; gone on 2026-05-01.
        #expect(account.scheduledExpiries == [ScheduledExpiry(day: Day(year: 2026, month: 5, day: 1)!, points: 80)])
        account.advance(to: Day(year: 2026, month: 4, day: 30)!)
        #expect(account.balance.available == 80)
        let expired = account.advance(to: Day(year: 2026, month: 5, day: 1)!)
        #expect(expired.map(\.points) == [-80])
        #expect(account.balance.available == 0)
        #expect(account.totals.expired == 80)
    }

    @Test("Inactivity expiry lapses available points, not pending ones")
    func inactivity() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(inactivityExpiryDays: 180))
        let day = Self.march14
        try account.earn(key: "a", points: 40, on: day, source: Self.source("e1"))
        #expect(account.lapseDay == day + 181)
        account.advance(to: day + 180)
        #expect(account.balance.available == 40)
        account.advance(to: day + 181)
        #expect(account.balance.available == 0)
        #expect(account.entries.last?.key == "lapse/a")
    }

    @Test("Points that arrive on the lapse day are not lapsed by the inactivity before it")
    func lapseDayArrivals() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(inactivityExpiryDays: 25))
        let day = Self.march14
        try account.earn(key: "a", points: 40, on: day, source: Self.source("e1"))
        let lapse = try #require(account.lapseDay)
        // An adjustment is not the customer's activity, and it arrives on the lapse day itself.
        try account.adjust(key: "goodwill", points: 55, on: lapse, source: Self.source("e2", "goodwill"))
        #expect(account.balance == PointsBalance(available: 55, pending: 0, debt: 0))
        #expect(account.totals.expired == 40)
        account.advance(to: lapse + 30)
        #expect(account.balance.available == 55)
    }

    @Test("Reversing spent points records a debt, settled from the next points earned")
    func debt() throws {
        var account = LoyaltyAccount()
        let day = Self.march14
        try account.earn(key: "order-1001", points: 100, on: day, source: Self.source("e1"))
        try account.redeem(key: "r1", points: 100, on: day + 1, source: Self.source("e2", "reward"))
        let reversal = try account.reverse(
            key: "refund-1001", award: "order-1001", points: 100, on: day + 2, source: Self.source("e3", "refund"))
        #expect(reversal.entries.last?.points == 0)
        #expect(reversal.entries.last?.shortfall == 100)
        #expect(account.balance == PointsBalance(available: 0, pending: 0, debt: 100))
        try account.earn(key: "order-1002", points: 30, on: day + 3, source: Self.source("e4"))
        #expect(account.balance == PointsBalance(available: 0, pending: 0, debt: 70))
        #expect(account.entries.last?.settledDebt == 30)
    }

    @Test("Reversals of one award never add up to more than it earned")
    func reversalCap() throws {
        var account = LoyaltyAccount()
        try account.earn(key: "order-1001", points: 100, on: Self.march14, source: Self.source("e1"))
        try account.reverse(key: "refund-a", award: "order-1001", points: 60, on: Self.march14, source: Self.source("e2"))
        let second = try account.reverse(key: "refund-b", award: "order-1001", points: 60, on: Self.march14, source: Self.source("e3"))
        #expect(second.entries.last?.points == -40)
        #expect(account.balance.available == 0)
        #expect(account.totals.reversed == 100)
    }

    @Test("Under pendingOnly, only points still pending are taken back; the rest is forgiven")
    func pendingOnly() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(reversal: .pendingOnly))
        let day = Self.march14
        try account.earn(key: "order-1", points: 50, on: day, pendingDays: 14, source: Self.source("e1"))
        try account.earn(key: "order-2", points: 70, on: day, source: Self.source("e2"))
        try account.reverse(key: "refund-1", award: "order-1", points: 50, on: day + 1, source: Self.source("e3"))
        try account.reverse(key: "refund-2", award: "order-2", points: 70, on: day + 1, source: Self.source("e4"))
        #expect(account.balance == PointsBalance(available: 70, pending: 0, debt: 0))
        #expect(account.totals.forgiven == 70)
    }

    @Test("Under allowNegativeBalance, a reversal of spent points shows as a negative balance")
    func negative() throws {
        var account = LoyaltyAccount(policy: LedgerPolicy(reversal: .allowNegativeBalance))
        try account.earn(key: "order-1", points: 100, on: Self.march14, source: Self.source("e1"))
        try account.redeem(key: "r1", points: 80, on: Self.march14, source: Self.source("e2"))
        try account.reverse(key: "refund-1", award: "order-1", points: 100, on: Self.march14, source: Self.source("e3"))
        #expect(account.balance == PointsBalance(available: -80, pending: 0, debt: 0))
    }

    @Test("Refused operations change nothing and say why", arguments: [
        ("zero", LedgerError.Code.invalidPoints), ("unknown award", .unknownAward), ("not an award", .notAnAward),
        ("below zero", .belowZero), ("out of order", .outOfOrder),
    ])
    func refused(_ name: String, _ code: LedgerError.Code) throws {
        var account = LoyaltyAccount()
        let day = Self.march14
        try account.earn(key: "order-1", points: 10, on: day, source: Self.source("e1"))
        try account.redeem(key: "r1", points: 5, on: day + 1, source: Self.source("e2"))
        let before = account
        #expect {
            switch name {
            case "zero": try account.earn(key: "x", points: 0, on: day + 1, source: Self.source("e3"))
            case "unknown award": try account.reverse(key: "x", award: "order-9", points: 1, on: day + 1, source: Self.source("e3"))
            case "not an award": try account.reverse(key: "x", award: "r1", points: 1, on: day + 1, source: Self.source("e3"))
            case "below zero": try account.adjust(key: "x", points: -6, on: day + 1, source: Self.source("e3"))
            default: try account.earn(key: "x", points: 1, on: day, source: Self.source("e3"))
            }
        } throws: { error in
            (error as? LedgerError)?.code == code
        }
        #expect(account == before)
    }
}
