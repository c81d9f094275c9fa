import RetentionKit

/// A store's points ledgers, read for the loyalty economics: how many points customers hold on a
/// day (available and pending), and how many were earned, redeemed, expired and reversed in a
/// period.
///
/// Give it every account's entries (``LoyaltyAccount/entries``, one array per account, in the
/// order the account recorded them). Figures on a day apply each lot's expiry date even when
/// the ledger has not recorded that expiry yet (no event has touched the customer since), so
/// they equal ``LoyaltyAccount/balance(on:)`` summed over the accounts. Points lapsed for
/// inactivity count only once recorded, since the ledger carries no inactivity policy.
///
/// ```swift
/// let ledger = PointsLedger(accounts.map(\.entries))
/// let value = try PointValue(Money(minorUnits: 1, currency: .usd), per: 1)
/// let year = try ledger.economics(from: try Day(iso: "2026-01-01"), to: try Day(iso: "2026-12-31"), value: value)
/// year.liability        // what the points held on 31 December are worth
/// year.breakageRate     // expired ÷ earned × 100, within the year
/// ```
public struct PointsLedger: Sendable {
    /// Changes to the points customers hold, by day: a prefix sum up to a day gives the balance.
    private let changes: [Change]
    /// Prefix sums of `changes`, one past each.
    private let runningAvailable: [Int64]
    private let runningPending: [Int64]
    /// Flows, by the day they happened.
    private let flows: [Flow]

    private struct Change {
        var day: Int32
        var available: Int64
        var pending: Int64
        /// Points a lot's expiry date took (negative), or an expiry that no longer happens
        /// because its points were used first (positive).
        var scheduledExpiry: Int64
    }

    private struct Flow {
        var day: Int32
        var kind: LedgerEntry.Kind
        var points: Int64
    }

    /// What the ledger knows of a lot where it was created (earned or adjusted up).
    private struct LotTerms {
        var availableOn: Int32
        /// The first day the lot is gone, or nil when it never expires.
        var expiresOn: Int32?
    }

    /// Reads the entries of every account.
    public init(_ accounts: [[LedgerEntry]]) {
        // Lot terms by key, for lots that a merge moved into another account: the moving entry
        // lists the lots but not their dates.
        var termsByKey: [String: LotTerms] = [:]
        for entries in accounts {
            for entry in entries where Self.createsLot(entry) {
                termsByKey[entry.key] = Self.terms(of: entry)
            }
        }
        var changes: [Change] = []
        var flows: [Flow] = []
        for entries in accounts {
            var lots: [String: LotTerms] = [:]
            for entry in entries {
                let day = entry.day.number
                switch entry.kind {
                case .earned, .redeemed, .reversed, .adjusted:
                    flows.append(Flow(day: day, kind: entry.kind, points: entry.points.value))
                case .expired, .transferred:
                    break
                }
                if Self.createsLot(entry) {
                    let terms = Self.terms(of: entry)
                    lots[entry.key] = terms
                    Self.create(entry.points.value - entry.settledDebt.value, terms, on: day, into: &changes)
                } else if entry.kind == .transferred && entry.lots.allSatisfy({ lots[$0.lot] == nil }) {
                    // Lots arriving from a merged account (a transfer out lists lots the account
                    // holds), with the dates they were earned with.
                    for use in entry.lots {
                        guard let terms = termsByKey[use.lot] else { continue }
                        lots[use.lot] = terms
                        Self.create(use.points.value, terms, on: day, into: &changes)
                    }
                } else {
                    for use in entry.lots {
                        guard let terms = lots[use.lot] else { continue }
                        if entry.kind == .transferred { lots[use.lot] = nil }
                        let taken = Self.use(use.points.value, of: terms, on: day, into: &changes)
                        // An expiry before the lot's own date: a lapse for inactivity.
                        if taken && entry.kind == .expired { flows.append(Flow(day: day, kind: .expired, points: -use.points.value)) }
                    }
                }
            }
        }
        changes.sort { $0.day < $1.day }
        flows.sort { $0.day < $1.day }
        var available: Int64 = 0, pending: Int64 = 0
        var runningAvailable = [Int64](), runningPending = [Int64]()
        runningAvailable.reserveCapacity(changes.count)
        runningPending.reserveCapacity(changes.count)
        for change in changes {
            available += change.available
            pending += change.pending
            runningAvailable.append(available)
            runningPending.append(pending)
        }
        self.changes = changes
        self.runningAvailable = runningAvailable
        self.runningPending = runningPending
        self.flows = flows
    }

    private static func createsLot(_ entry: LedgerEntry) -> Bool {
        entry.kind == .earned || (entry.kind == .adjusted && entry.points.value > 0)
    }

    private static func terms(of entry: LedgerEntry) -> LotTerms {
        LotTerms(
            availableOn: (entry.availableOn ?? entry.day).number,
            expiresOn: entry.lastDay.map { $0.number + 1 })
    }

    /// A lot of `points` from `day`: pending until its available day, gone on its expiry day.
    private static func create(_ points: Int64, _ terms: LotTerms, on day: Int32, into changes: inout [Change]) {
        guard points > 0 else { return }
        let expires = terms.expiresOn ?? .max
        guard expires > day else { return }
        let becomesAvailable = terms.availableOn > day && terms.availableOn < expires
        if terms.availableOn > day {
            changes.append(Change(day: day, available: 0, pending: points, scheduledExpiry: 0))
        } else {
            changes.append(Change(day: day, available: points, pending: 0, scheduledExpiry: 0))
        }
        if becomesAvailable {
            changes.append(Change(day: terms.availableOn, available: points, pending: -points, scheduledExpiry: 0))
        }
        if let expiresOn = terms.expiresOn {
            let fromPending = terms.availableOn >= expiresOn
            changes.append(Change(
                day: expiresOn, available: fromPending ? 0 : -points, pending: fromPending ? -points : 0,
                scheduledExpiry: -points))
        }
    }

    /// `points` taken from a lot on `day`: gone now, so neither their move to available nor
    /// their expiry happens later. A use on or after the expiry day is the ledger recording
    /// that expiry, already counted: nothing changes and it returns false.
    private static func use(_ points: Int64, of terms: LotTerms, on day: Int32, into changes: inout [Change]) -> Bool {
        let expires = terms.expiresOn ?? .max
        guard points > 0, day < expires else { return false }
        let isPending = day < terms.availableOn
        changes.append(Change(day: day, available: isPending ? 0 : -points, pending: isPending ? -points : 0, scheduledExpiry: 0))
        if isPending && terms.availableOn < expires {
            changes.append(Change(day: terms.availableOn, available: -points, pending: points, scheduledExpiry: 0))
        }
        if let expiresOn = terms.expiresOn {
            let fromPending = terms.availableOn >= expiresOn
            changes.append(Change(
                day: expiresOn, available: fromPending ? 0 : points, pending: fromPending ? points : 0,
                scheduledExpiry: points))
        }
        return true
    }

    /// Points customers hold at the end of `day`.
    public func balance(on day: Day) -> (available: Int64, pending: Int64) {
        let count = Self.countThrough(day.number, in: changes.count) { changes[$0].day }
        guard count > 0 else { return (0, 0) }
        return (runningAvailable[count - 1], runningPending[count - 1])
    }

    /// The loyalty economics of the period `from...to` (from the ledger's start when `from` is
    /// nil), with the points held at the end of `to` valued at `value`.
    public func economics(from: Day? = nil, to: Day, value: PointValue) throws(MetricsError) -> LoyaltyEconomics {
        if let from, from > to {
            throw MetricsError(.badArgument, "the period \(from.iso)…\(to.iso) ends before it starts; give the earlier day first")
        }
        let first = from?.number ?? .min
        var totals = PointsFlowTotals()
        let end = Self.countThrough(to.number, in: flows.count) { flows[$0].day }
        let start = from.map { from in Self.countThrough(from.number - 1, in: end) { flows[$0].day } } ?? 0
        for flow in flows[start..<end] {
            switch flow.kind {
            case .earned: totals.earned += flow.points
            case .redeemed: totals.redeemed -= flow.points
            case .reversed: totals.reversed -= flow.points
            case .adjusted:
                if flow.points > 0 { totals.adjustedUp += flow.points } else { totals.adjustedDown -= flow.points }
            case .expired: totals.expired -= flow.points
            case .transferred: break
            }
        }
        // Expiries by lot date in the period, recorded or not (lapses are among the flows).
        for change in changes where change.day >= first && change.day <= to.number {
            totals.expired -= change.scheduledExpiry
        }
        let held = balance(on: to)
        return LoyaltyEconomics(
            from: from, to: to, flows: totals, available: held.available, pending: held.pending, value: value)
    }

    /// The points held and their worth at the end of each period of a calendar grid.
    public func liability(from: Day, to: Day, by period: CalendarPeriod, value: PointValue) throws(MetricsError)
        -> [PointsLiability]
    {
        try period.ranges(from: from, to: to).map { range in
            let held = balance(on: range.upperBound)
            return PointsLiability(day: range.upperBound, available: held.available, pending: held.pending, value: value)
        }
    }

    /// How many of the first `count` items (sorted by day) fall on or before `day`.
    private static func countThrough(_ day: Int32, in count: Int, dayOf: (Int) -> Int32) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if dayOf(middle) <= day { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
