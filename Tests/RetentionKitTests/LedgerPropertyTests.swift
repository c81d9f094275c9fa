import PropertyBased
import RetentionKit
import Testing

/// The ledger's invariants over random streams of operations.
@Suite("Ledger invariants")
struct LedgerPropertyTests {
    enum Operation: Sendable, CustomStringConvertible {
        case earn(key: String, points: Int64, day: Int, pendingDays: Int)
        case redeem(key: String, points: Int64, day: Int)
        case reverse(key: String, award: Int, points: Int64, day: Int)
        case adjust(key: String, points: Int64, day: Int)
        case advance(day: Int)

        var description: String {
            switch self {
            case .earn(let k, let p, let d, let pd): "earn \(k) \(p) day \(d) pending \(pd)"
            case .redeem(let k, let p, let d): "redeem \(k) \(p) day \(d)"
            case .reverse(let k, let a, let p, let d): "reverse \(k) award#\(a) \(p) day \(d)"
            case .adjust(let k, let p, let d): "adjust \(k) \(p) day \(d)"
            case .advance(let d): "advance day \(d)"
            }
        }
    }

    struct Scenario: Sendable, CustomStringConvertible {
        var policy: LedgerPolicy
        var operations: [Operation]
        var description: String { "\(policy)\n" + operations.map(\.description).joined(separator: "\n") }
    }

    static let policies: [LedgerPolicy] = [
        LedgerPolicy(),
        LedgerPolicy(reversal: .pendingOnly, lotExpiry: LotExpiry(days: 20)),
        LedgerPolicy(reversal: .allowNegativeBalance, lotExpiry: LotExpiry(days: 15, roundedUpTo: .month), inactivityExpiryDays: 25),
        LedgerPolicy(lotExpiry: LotExpiry(days: 40, roundedUpTo: .quarter), inactivityExpiryDays: 30, allowsNegativeAdjustments: true),
    ]

    static let scenarios = Generator<Scenario, Shrink.None<Scenario>> { rng in
        var day = 0
        var operations: [Operation] = []
        for index in 0..<Int.random(in: 1...40, using: &rng) {
            day += Int.random(in: 0...6, using: &rng)
            // Now and then an operation dated a little in the past, which must be refused.
            let dated = Int.random(in: 0..<12, using: &rng) == 0 ? max(0, day - 3) : day
            let points = Int64.random(in: 0...150, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3: operations.append(.earn(key: "earn-\(index)", points: points, day: dated, pendingDays: [0, 0, 7, 14].randomElement(using: &rng)!))
            case 4...5: operations.append(.redeem(key: "redeem-\(index)", points: points, day: dated))
            case 6...7: operations.append(.reverse(key: "reverse-\(index)", award: Int.random(in: 0...index, using: &rng), points: points, day: dated))
            case 8: operations.append(.adjust(key: "adjust-\(index)", points: Int64.random(in: -100...100, using: &rng), day: dated))
            default: operations.append(.advance(day: dated))
            }
        }
        return Scenario(policy: policies.randomElement(using: &rng)!, operations: operations)
    }

    static let start = Day(year: 2026, month: 1, day: 1)!

    static func source() -> LedgerSource { LedgerSource(eventID: "e", reason: "test") }

    /// Applies one operation; returns whether it was refused.
    @discardableResult
    static func apply(_ operation: Operation, to account: inout LoyaltyAccount) -> (refused: Bool, duplicate: Bool) {
        do {
            let outcome: LedgerOutcome
            switch operation {
            case .earn(let key, let points, let day, let pending):
                outcome = try account.earn(key: key, points: Points(points), on: start + day, pendingDays: pending, source: source())
            case .redeem(let key, let points, let day):
                outcome = try account.redeem(key: key, points: Points(points), on: start + day, source: source())
            case .reverse(let key, let award, let points, let day):
                outcome = try account.reverse(key: key, award: "earn-\(award)", points: Points(points), on: start + day, source: source())
            case .adjust(let key, let points, let day):
                outcome = try account.adjust(key: key, points: Points(points), on: start + day, source: source())
            case .advance(let day):
                account.advance(to: start + day)
                return (false, false)
            }
            return (false, outcome == .duplicate)
        } catch {
            return (true, false)
        }
    }

    static func checkInvariants(_ account: LoyaltyAccount, _ scenario: Scenario) {
        let balance = account.balance
        let totals = account.totals
        let lhs = totals.earned + totals.adjustedUp - totals.redeemed - totals.expired - totals.reversed - totals.adjustedDown
        #expect(lhs == balance.available.value + balance.pending.value - balance.debt.value, "identity broken:\n\(scenario)")
        #expect(balance.pending.value >= 0)
        #expect(balance.debt.value >= 0)
        if scenario.policy.reversal != .allowNegativeBalance {
            #expect(balance.available.value >= 0, "negative balance:\n\(scenario)")
        }
        // The totals, and so the balances, follow from the entries alone.
        func sum(_ kind: LedgerEntry.Kind, _ filter: (LedgerEntry) -> Bool = { _ in true }) -> Int64 {
            account.entries.filter { $0.kind == kind && filter($0) }.reduce(0) { $0 + $1.points.value }
        }
        #expect(sum(.earned) == totals.earned)
        #expect(-sum(.redeemed) == totals.redeemed)
        #expect(-sum(.expired) == totals.expired)
        #expect(sum(.adjusted) { $0.points.value > 0 } == totals.adjustedUp)
        #expect(-sum(.adjusted) { $0.points.value < 0 } == totals.adjustedDown)
        let shortfalls = account.entries.filter { $0.kind == .reversed }.reduce(Int64(0)) { $0 + $1.shortfall.value }
        if scenario.policy.reversal == .pendingOnly {
            #expect(-sum(.reversed) == totals.reversed)
            #expect(shortfalls == totals.forgiven)
        } else {
            #expect(-sum(.reversed) + shortfalls == totals.reversed)
        }
    }

    @Test("Invariants hold after every operation, under every policy", .tags(.property))
    func invariants() async {
        await propertyCheck(count: 400, input: Self.scenarios) { scenario in
            var account = LoyaltyAccount(policy: scenario.policy)
            for operation in scenario.operations {
                let before = account
                let result = Self.apply(operation, to: &account)
                if result.refused { #expect(account == before, "a refused operation changed the account:\n\(scenario)") }
                Self.checkInvariants(account, scenario)
            }
        }
    }

    /// The engine's event log remembers every event it has seen, applied or rejected, so a
    /// replay skips the rejected ones; the ledger itself remembers the keys it applied.
    @Test("Applying a stream twice equals applying it once", .tags(.property))
    func idempotence() async {
        await propertyCheck(count: 300, input: Self.scenarios) { scenario in
            var account = LoyaltyAccount(policy: scenario.policy)
            var rejected: Set<Int> = []
            for (index, operation) in scenario.operations.enumerated() where Self.apply(operation, to: &account).refused {
                rejected.insert(index)
            }
            let once = account
            for (index, operation) in scenario.operations.enumerated() where !rejected.contains(index) {
                let result = Self.apply(operation, to: &account)
                if case .advance = operation { continue }
                #expect(result.duplicate, "a replayed operation was applied again:\n\(scenario)")
            }
            #expect(account == once, "replaying the stream changed the account:\n\(scenario)")
        }
    }

    @Test("Reversals of an award never take more than it earned", .tags(.property))
    func reversalBound() async {
        await propertyCheck(count: 300, input: Self.scenarios) { scenario in
            var account = LoyaltyAccount(policy: scenario.policy)
            for operation in scenario.operations { Self.apply(operation, to: &account) }
            var earned: [String: Int64] = [:]
            var reversed: [String: Int64] = [:]
            for entry in account.entries {
                if entry.kind == .earned { earned[entry.key] = entry.points.value }
                if entry.kind == .reversed, let award = entry.reverses {
                    reversed[award, default: 0] += -entry.points.value + entry.shortfall.value
                }
            }
            for (award, total) in reversed { #expect(total <= earned[award] ?? 0, "over-reversed \(award):\n\(scenario)") }
        }
    }
}
