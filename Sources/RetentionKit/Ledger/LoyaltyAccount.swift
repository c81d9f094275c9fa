/// One customer's points: an append-only ledger and the balances derived from it.
///
/// Every operation is keyed: applying a key the account already holds changes nothing and
/// reports ``LedgerOutcome/duplicate``, so a redelivered event can never award twice. A refused
/// operation throws a ``LedgerError`` and changes nothing. Days come from the events and must
/// not go backwards; time passing (``advance(to:)``) expires points on the day after their last
/// day, and after a stretch of inactivity when the policy says so.
///
/// ```swift
/// var account = LoyaltyAccount(policy: LedgerPolicy(lotExpiry: LotExpiry(days: 365)))
/// let day = try Day(iso: "2026-03-14")
/// try account.earn(key: "evt-1/points", points: 120, on: day, pendingDays: 30,
///                  source: LedgerSource(eventID: "evt-1", orderID: "1001", reason: "purchase"))
/// account.balance                        // available 0, pending 120
/// account.advance(to: day + 30)
/// account.balance                        // available 120, pending 0
/// try account.redeem(key: "redeem-7", points: 100, on: day + 31,
///                    source: LedgerSource(eventID: "evt-9", reason: "reward: free coffee"))
/// ```
public struct LoyaltyAccount: Sendable, Equatable, Codable {
    /// The rules the ledger follows.
    public internal(set) var policy: LedgerPolicy {
        get { sharedPolicy.policy }
        set { sharedPolicy = .of(newValue) }
    }
    /// The policy, held once for every account that follows the same rules (an engine's
    /// customers all do) instead of inline in each.
    private var sharedPolicy: SharedLedgerPolicy
    /// Every entry, oldest first.
    public private(set) var entries: [LedgerEntry] = []
    /// The latest day the account has seen.
    public private(set) var today: Day?
    /// Running totals over the account's life.
    public private(set) var totals = LedgerTotals()
    /// The last day the customer earned or redeemed (what inactivity expiry counts from).
    public private(set) var lastActivity: Day?

    /// Points owed from earlier reversals, settled from the next points earned.
    private var owed: Int64 = 0
    /// Earned points not yet used, in the order they were earned.
    private var lots: [Lot] = []
    /// What accounts merged into this one held that its own entries do not show: their keys
    /// and their awards. Nil for an account that never took one in.
    private var inherited: Inheritance?
    /// The keys of ``entries``, kept once there are more than ``keyIndexThreshold`` of them;
    /// below that, looking a key up among the entries themselves is as fast and costs no memory.
    private var keyIndex: Set<String>?

    /// How many entries an account holds before it indexes their keys.
    static let keyIndexThreshold = 24

    struct Lot: Sendable, Equatable, Codable {
        let key: String
        var sequence: Int
        let earnedOn: Day
        let availableOn: Day
        let lastDay: Day?
        var remaining: Int64
    }

    /// An award's points and how many of them have been reversed.
    struct Award: Sendable, Equatable, Codable {
        let points: Int64
        var reversed: Int64
    }

    /// What merged accounts brought with them besides lots: keys that stay used here, and
    /// awards that stay reversible, with what had been reversed of them before the merge.
    struct Inheritance: Sendable, Equatable, Codable {
        var keys: Set<String> = []
        var awards: [String: Award] = [:]
    }

    public init(policy: LedgerPolicy = LedgerPolicy()) {
        sharedPolicy = .of(policy)
    }

    // MARK: - Equality and storage

    /// Accounts are equal when they hold the same entries, lots, totals and inheritance; the
    /// key index, built from the entries, is not compared.
    public static func == (lhs: LoyaltyAccount, rhs: LoyaltyAccount) -> Bool {
        lhs.policy == rhs.policy && lhs.entries == rhs.entries && lhs.today == rhs.today && lhs.totals == rhs.totals
            && lhs.lastActivity == rhs.lastActivity && lhs.owed == rhs.owed && lhs.lots == rhs.lots
            && lhs.inherited == rhs.inherited
    }

    private enum CodingKeys: String, CodingKey {
        case policy, entries, today, totals, lastActivity, owed, lots, inherited
        /// Accounts stored before 2026-12-07 also held every key and every award; they are read
        /// (what merged accounts brought becomes the inheritance) and no longer written.
        case keys, awards
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sharedPolicy = .of(try container.decode(LedgerPolicy.self, forKey: .policy))
        entries = try container.decode([LedgerEntry].self, forKey: .entries)
        today = try container.decodeIfPresent(Day.self, forKey: .today)
        totals = try container.decode(LedgerTotals.self, forKey: .totals)
        lastActivity = try container.decodeIfPresent(Day.self, forKey: .lastActivity)
        owed = try container.decode(Int64.self, forKey: .owed)
        lots = try container.decode([Lot].self, forKey: .lots)
        inherited = try container.decodeIfPresent(Inheritance.self, forKey: .inherited)
        if let keys = try container.decodeIfPresent(Set<String>.self, forKey: .keys) {
            let awards = try container.decodeIfPresent([String: Award].self, forKey: .awards) ?? [:]
            adoptStoredIndexes(keys: keys, awards: awards)
        }
        if entries.count > Self.keyIndexThreshold { keyIndex = entryKeys }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy, forKey: .policy)
        try container.encode(entries, forKey: .entries)
        try container.encodeIfPresent(today, forKey: .today)
        try container.encode(totals, forKey: .totals)
        try container.encodeIfPresent(lastActivity, forKey: .lastActivity)
        try container.encode(owed, forKey: .owed)
        try container.encode(lots, forKey: .lots)
        try container.encodeIfPresent(inherited, forKey: .inherited)
    }

    /// Keeps what an older account's key set and award table held beyond its own entries: the
    /// keys and awards of accounts merged into it. An inherited award's reversals before the
    /// merge are what the table had reversed less what this account's entries reversed since.
    private mutating func adoptStoredIndexes(keys: Set<String>, awards: [String: Award]) {
        let own = entryKeys
        var inheritance = inherited ?? Inheritance()
        inheritance.keys.formUnion(keys.subtracting(own))
        for (key, award) in awards where !own.contains(key) {
            inheritance.awards[key] = Award(points: award.points, reversed: award.reversed - reversedHere(of: key))
        }
        if !inheritance.keys.isEmpty || !inheritance.awards.isEmpty { inherited = inheritance }
    }

    // MARK: - Undo

    /// Drops this copy's entries and returns how many there were; for a copy kept to undo an
    /// event, so that the live account's entries stay unshared (see
    /// ``restoreEntries(from:count:)``).
    mutating func setEntriesAside() -> Int {
        defer { entries = [] }
        return entries.count
    }

    /// Puts back the entries ``setEntriesAside()`` dropped: the first `count` of `live`, the
    /// same account after more entries were appended (entries are only ever appended).
    mutating func restoreEntries(from live: LoyaltyAccount, count: Int) {
        precondition(live.entries.count >= count, "an account lost entries while an event was applied")
        entries = Array(live.entries.prefix(count))
    }

    // MARK: - Balances

    /// The balance on ``today``.
    public var balance: PointsBalance {
        guard let today else { return PointsBalance(available: .zero, pending: .zero, debt: .zero) }
        return balance(on: today)
    }

    /// The balance on `day` (on or after ``today``), with what falls due by then expired.
    public func balance(on day: Day) -> PointsBalance {
        var available: Int64 = 0
        var pending: Int64 = 0
        // What `expiryDay(of:through:)` decides, with the lapse day worked out once and lots read
        // field by field: binding a whole lot would retain its key on every step.
        let lapse = lapseDay.flatMap { $0 <= day ? $0 : nil }
        for index in lots.indices {
            let availableOn = lots[index].availableOn
            if let last = lots[index].lastDay, last + 1 <= day { continue }
            if let lapse, availableOn < lapse { continue }
            if availableOn <= day { available += lots[index].remaining } else { pending += lots[index].remaining }
        }
        if policy.reversal == .allowNegativeBalance {
            return PointsBalance(available: Points(available - owed), pending: Points(pending), debt: .zero)
        }
        return PointsBalance(available: Points(available), pending: Points(pending), debt: Points(owed))
    }

    /// When points will expire if nothing else happens: the first day each group is gone, and
    /// how many, soonest first (per-lot expiry only; see ``lapseDay`` for inactivity).
    public var scheduledExpiries: [ScheduledExpiry] {
        var byDay: [Day: Int64] = [:]
        for lot in lots {
            if let last = lot.lastDay { byDay[last + 1, default: 0] += lot.remaining }
        }
        return byDay.keys.sorted().map { ScheduledExpiry(day: $0, points: Points(byDay[$0] ?? 0)) }
    }

    /// The day all available points lapse if the customer neither earns nor redeems before it.
    public var lapseDay: Day? {
        guard let days = policy.inactivityExpiryDays, let lastActivity else { return nil }
        return lastActivity + days + 1
    }

    // MARK: - Operations

    /// Awards `points`, available after `pendingDays` (a return window), expiring as the policy
    /// says. An outstanding debt is settled from them first.
    @discardableResult
    public mutating func earn(
        key: String, points: Points, on day: Day, pendingDays: Int = 0, source: LedgerSource
    ) throws(LedgerError) -> LedgerOutcome {
        guard points.value > 0 else {
            throw LedgerError(.invalidPoints, key: key, message: "an award must be positive, not \(points.value)")
        }
        guard try begin(key: key, on: day) else { return .duplicate }
        var applied = expire(through: day)
        let settled = min(owed, points.value)
        owed -= settled
        let lastDay = policy.lotExpiry?.lastDay(forPointsEarnedOn: day)
        addLot(key: key, earnedOn: day, availableOn: day + max(0, pendingDays), lastDay: lastDay,
               points: points.value - settled)
        totals.earned += points.value
        lastActivity = day
        applied.append(record(LedgerEntry(
            key: key, kind: .earned, points: points, day: day, source: source, availableOn: day + max(0, pendingDays),
            lastDay: lastDay, settledDebt: Points(settled), reverses: nil, shortfall: .zero, lots: [])))
        return .applied(applied)
    }

    /// Spends `points` of the available balance, from the points that expire soonest, then the
    /// oldest. Fails whole when the balance is short.
    @discardableResult
    public mutating func redeem(key: String, points: Points, on day: Day, source: LedgerSource) throws(LedgerError)
        -> LedgerOutcome
    {
        guard points.value > 0 else {
            throw LedgerError(.invalidPoints, key: key, message: "a redemption must be positive, not \(points.value)")
        }
        guard !holds(key) else { return .duplicate }
        try checkOrder(key: key, day: day)
        let usable = availableAfterExpiry(on: day)
        guard usable >= points.value else {
            throw LedgerError(
                .insufficientPoints, key: key,
                message: "needs \(points.value) points but only \(max(0, usable)) are available on \(day.iso)")
        }
        var applied = expire(through: day)
        let uses = take(points.value, on: day, includingPending: false, preferring: nil)
        totals.redeemed += points.value
        lastActivity = day
        applied.append(record(LedgerEntry(
            key: key, kind: .redeemed, points: Points(-points.value), day: day, source: source, availableOn: nil,
            lastDay: nil, settledDebt: .zero, reverses: nil, shortfall: .zero, lots: uses)))
        return .applied(applied)
    }

    /// Takes back up to `points` of the award `award` (whose order was cancelled, refunded or
    /// returned). Reversals of one award never add up to more than it earned. Points already
    /// spent are handled as ``LedgerPolicy/reversal`` says.
    @discardableResult
    public mutating func reverse(
        key: String, award: String, points: Points, on day: Day, source: LedgerSource
    ) throws(LedgerError) -> LedgerOutcome {
        guard points.value > 0 else {
            throw LedgerError(.invalidPoints, key: key, message: "a reversal must be positive, not \(points.value)")
        }
        guard !holds(key) else { return .duplicate }
        guard let state = self.award(award) else {
            let isEntry = holdsEntry(award)
            throw LedgerError(
                isEntry ? .notAnAward : .unknownAward, key: key,
                message: isEntry
                    ? "'\(award)' is not an award; only earned points can be reversed"
                    : "the account has no award '\(award)' to reverse")
        }
        try checkOrder(key: key, day: day)
        var applied = expire(through: day)
        // What the entry records (points taken plus shortfall) adds up to `amount`: that is how
        // `award(_:)` knows what has been reversed so far.
        let amount = min(points.value, state.points - state.reversed)
        var uses: [LotUse] = []
        var shortfall: Int64 = 0
        switch policy.reversal {
        case .pendingOnly:
            let stillPending = lots.first { $0.key == award && $0.availableOn > day }.map { min($0.remaining, amount) } ?? 0
            if stillPending > 0 { uses = take(stillPending, on: day, includingPending: true, preferring: award) }
            shortfall = amount - stillPending
            totals.reversed += stillPending
            totals.forgiven += shortfall
        case .recordDebt, .allowNegativeBalance:
            uses = take(amount, on: day, includingPending: true, preferring: award)
            let taken = uses.reduce(0) { $0 + $1.points.value }
            shortfall = amount - taken
            owed += shortfall
            totals.reversed += amount
        }
        let taken = uses.reduce(0) { $0 + $1.points.value }
        applied.append(record(LedgerEntry(
            key: key, kind: .reversed, points: Points(-taken), day: day, source: source, availableOn: nil, lastDay: nil,
            settledDebt: .zero, reverses: award, shortfall: Points(shortfall), lots: uses)))
        return .applied(applied)
    }

    /// A manual correction of `points` (positive or negative). A downward adjustment takes from
    /// the available balance and fails when it is short, unless the policy allows going below zero.
    @discardableResult
    public mutating func adjust(key: String, points: Points, on day: Day, source: LedgerSource) throws(LedgerError)
        -> LedgerOutcome
    {
        guard points.value != 0 else {
            throw LedgerError(.invalidPoints, key: key, message: "an adjustment must not be zero")
        }
        guard !holds(key) else { return .duplicate }
        try checkOrder(key: key, day: day)
        if points.value < 0, !policy.allowsNegativeAdjustments, availableAfterExpiry(on: day) < -points.value {
            throw LedgerError(
                .belowZero, key: key,
                message: "taking \(-points.value) points would leave a balance below zero "
                    + "(\(max(0, availableAfterExpiry(on: day))) available); take less, or allow negative adjustments")
        }
        var applied = expire(through: day)
        var uses: [LotUse] = []
        var settled: Int64 = 0
        var lastDay: Day?
        if points.value > 0 {
            settled = min(owed, points.value)
            owed -= settled
            lastDay = policy.lotExpiry?.lastDay(forPointsEarnedOn: day)
            addLot(key: key, earnedOn: day, availableOn: day, lastDay: lastDay, points: points.value - settled)
            totals.adjustedUp += points.value
        } else {
            uses = take(-points.value, on: day, includingPending: false, preferring: nil)
            owed += -points.value - uses.reduce(0) { $0 + $1.points.value }
            totals.adjustedDown += -points.value
        }
        applied.append(record(LedgerEntry(
            key: key, kind: .adjusted, points: points, day: day, source: source,
            availableOn: points.value > 0 ? day : nil, lastDay: lastDay, settledDebt: Points(settled), reverses: nil,
            shortfall: .zero, lots: uses)))
        return .applied(applied)
    }

    /// Moves the account's day forward, expiring what is due; returns the expiry entries. A day
    /// before ``today`` changes nothing.
    @discardableResult
    public mutating func advance(to day: Day) -> [LedgerEntry] {
        if let today, day < today { return [] }
        let applied = expire(through: day)
        today = day
        return applied
    }

    // MARK: - Merging

    /// Closes the account for a merge: everything it holds (lots with their dates, awards still
    /// reversible, debt, keys) leaves it, and one ``LedgerEntry/Kind-swift.enum/transferred``
    /// entry says so. Give the result to the survivor's ``transferIn(key:_:on:source:)``.
    public mutating func transferOut(key: String, on day: Day, source: LedgerSource) throws(LedgerError) -> PointsTransfer {
        guard try begin(key: key, on: day) else {
            throw LedgerError(.mergeConflict, key: key, message: "the account was transferred before under this key")
        }
        _ = expire(through: day)
        let moved = lots.reduce(0) { $0 + $1.remaining }
        var keys = allKeys
        keys.insert(key)
        let transfer = PointsTransfer(lots: lots, awards: allAwards, debt: owed, keys: keys, lastActivity: lastActivity)
        totals.transferredOut += moved - owed
        _ = record(LedgerEntry(
            key: key, kind: .transferred, points: Points(-(moved - owed)), day: day, source: source, availableOn: nil,
            lastDay: nil, settledDebt: .zero, reverses: nil, shortfall: .zero,
            lots: lots.map { LotUse(lot: $0.key, points: Points($0.remaining)) }, debtMoved: Points(owed)))
        lots = []
        owed = 0
        return transfer
    }

    /// Takes in what a merged account held: its lots keep their dates (and their place in the
    /// order points are spent), its awards can still be reversed, its debt is added, its keys
    /// stay used. Returns the ``LedgerEntry/Kind-swift.enum/transferred`` entry.
    @discardableResult
    public mutating func transferIn(key: String, _ transfer: PointsTransfer, on day: Day, source: LedgerSource) throws(LedgerError)
        -> LedgerOutcome
    {
        if let clash = transfer.keys.first(where: { holds($0) && !$0.hasPrefix("expiry/") && !$0.hasPrefix("lapse/") }) {
            throw LedgerError(
                .mergeConflict, key: key,
                message: "both accounts hold an entry with key '\(clash)'; they cannot be merged as they are")
        }
        guard try begin(key: key, on: day) else { return .duplicate }
        var applied = expire(through: day)
        var inheritance = inherited ?? Inheritance()
        inheritance.keys.formUnion(transfer.keys)
        // No award of theirs has a key of an entry here: the clash check above saw to that.
        inheritance.awards.merge(transfer.awards) { mine, _ in mine }
        inherited = inheritance
        for (index, lot) in transfer.lots.enumerated() {
            var moved = lot
            moved.sequence = entries.count * 1_000 + index
            lots.append(moved)
        }
        let moved = transfer.lots.reduce(0) { $0 + $1.remaining }
        // Debt arriving is settled first from the points arriving with it, then it is owed.
        owed += transfer.debt
        totals.transferredIn += moved - transfer.debt
        if let theirs = transfer.lastActivity { lastActivity = max(lastActivity ?? theirs, theirs) }
        applied.append(record(LedgerEntry(
            key: key, kind: .transferred, points: Points(moved - transfer.debt), day: day, source: source, availableOn: nil,
            lastDay: nil, settledDebt: .zero, reverses: nil, shortfall: .zero,
            lots: transfer.lots.map { LotUse(lot: $0.key, points: Points($0.remaining)) }, debtMoved: Points(transfer.debt))))
        return .applied(applied)
    }

    // MARK: - Keys and awards, read from the entries

    /// Whether an operation with `key` was applied here or in an account merged into this one.
    private func holds(_ key: String) -> Bool {
        holdsEntry(key) || inherited?.keys.contains(key) == true
    }

    /// Whether one of this account's own entries has `key` (newest first: a redelivered event
    /// is usually a recent one).
    private func holdsEntry(_ key: String) -> Bool {
        if let keyIndex { return keyIndex.contains(key) }
        return entries.reversed().contains { $0.key == key }
    }

    /// The award `key`: its points from its entry (or from the merged account that made it),
    /// and what its reversals have taken back, each reversal counting its points and its
    /// shortfall. Nil when `key` is no award.
    private func award(_ key: String) -> Award? {
        var award: Award
        if let earned = entries.first(where: { $0.key == key }) {
            guard earned.kind == .earned else { return nil }
            award = Award(points: earned.points.value, reversed: 0)
        } else if let brought = inherited?.awards[key] {
            award = brought
        } else {
            return nil
        }
        award.reversed += reversedHere(of: key)
        return award
    }

    /// What this account's own reversal entries took back of the award `key`.
    private func reversedHere(of key: String) -> Int64 {
        entries.reduce(0) { sum, entry in
            entry.kind == .reversed && entry.reverses == key ? sum - entry.points.value + entry.shortfall.value : sum
        }
    }

    /// The keys of this account's own entries.
    private var entryKeys: Set<String> { Set(entries.lazy.map(\.key)) }

    /// Every key used here: the entries' and the inherited ones.
    private var allKeys: Set<String> {
        entryKeys.union(inherited?.keys ?? [])
    }

    /// Every award, own and inherited, with what has been reversed of it.
    private var allAwards: [String: Award] {
        var awards: [String: Award] = [:]
        for key in (inherited?.awards ?? [:]).keys { awards[key] = award(key) }
        for entry in entries where entry.kind == .earned { awards[entry.key] = award(entry.key) }
        return awards
    }

    // MARK: - Internals

    private func checkOrder(key: String, day: Day) throws(LedgerError) {
        if let today, day < today {
            throw LedgerError(
                .outOfOrder, key: key,
                message: "dated \(day.iso), before the account's latest day \(today.iso); apply a customer's events in order")
        }
    }

    /// Checks order and idempotency; returns false for a duplicate. The key counts as used once
    /// the operation records its entry (nothing between the two can fail).
    private mutating func begin(key: String, on day: Day) throws(LedgerError) -> Bool {
        guard !holds(key) else { return false }
        try checkOrder(key: key, day: day)
        return true
    }

    private mutating func record(_ entry: LedgerEntry) -> LedgerEntry {
        entries.appendCompactly(entry)
        if keyIndex != nil {
            keyIndex?.insert(entry.key)
        } else if entries.count > Self.keyIndexThreshold {
            keyIndex = entryKeys
        }
        if today.map({ entry.day > $0 }) ?? true { today = entry.day }
        return entry
    }

    private mutating func addLot(key: String, earnedOn: Day, availableOn: Day, lastDay: Day?, points: Int64) {
        guard points > 0 else { return }
        lots.appendCompactly(Lot(key: key, sequence: entries.count, earnedOn: earnedOn, availableOn: availableOn,
                        lastDay: lastDay, remaining: points))
    }

    /// The first day a lot is gone, if that is on or before `day`.
    private func expiryDay(of lot: Lot, through day: Day) -> (Day, lapsed: Bool)? {
        var expiry: (Day, lapsed: Bool)?
        if let last = lot.lastDay, last + 1 <= day { expiry = (last + 1, false) }
        // A lapse takes the points that were available before it; points that arrive on the
        // lapse day or later (a pending lot maturing, an adjustment) are not lapsed by it.
        if let lapse = lapseDay, lapse <= day, lot.availableOn < lapse, expiry.map({ lapse < $0.0 }) ?? true {
            expiry = (lapse, true)
        }
        return expiry
    }

    /// The available points on `day` once what is due has expired (debt counted against them).
    private func availableAfterExpiry(on day: Day) -> Int64 {
        let balance = balance(on: day)
        // Under allowNegativeBalance the debt is already inside `available`.
        return balance.available.value - balance.debt.value
    }

    /// Expires every lot due on or before `day`, in date order.
    private mutating func expire(through day: Day) -> [LedgerEntry] {
        var due: [(index: Int, day: Day, lapsed: Bool)] = []
        for (index, lot) in lots.enumerated() {
            if let (expiry, lapsed) = expiryDay(of: lot, through: day) { due.append((index, expiry, lapsed)) }
        }
        guard !due.isEmpty else { return [] }
        due.sort { ($0.day, $0.index) < ($1.day, $1.index) }
        var applied: [LedgerEntry] = []
        for item in due {
            let lot = lots[item.index]
            let key = (item.lapsed ? "lapse/" : "expiry/") + lot.key
            totals.expired += lot.remaining
            applied.append(record(LedgerEntry(
                key: key, kind: .expired, points: Points(-lot.remaining), day: item.day,
                source: LedgerSource(
                    eventID: "", reason: item.lapsed ? "no activity for \(policy.inactivityExpiryDays ?? 0) days" : "points expired"),
                availableOn: nil, lastDay: nil, settledDebt: .zero, reverses: nil, shortfall: .zero,
                lots: [LotUse(lot: lot.key, points: Points(lot.remaining))])))
            lots[item.index].remaining = 0
        }
        lots.removeAll { $0.remaining == 0 }
        return applied
    }

    /// Takes up to `points` from the lots: the `preferring` lot first, then available lots that
    /// expire soonest, then the oldest, then (when allowed) pending lots the same way.
    private mutating func take(_ points: Int64, on day: Day, includingPending: Bool, preferring: String?) -> [LotUse] {
        var order = lots.indices.filter { includingPending || lots[$0].availableOn <= day }
        order.sort { a, b in
            let x = lots[a]
            let y = lots[b]
            if (x.key == preferring) != (y.key == preferring) { return x.key == preferring }
            let xPending = x.availableOn > day
            let yPending = y.availableOn > day
            if xPending != yPending { return !xPending }
            let xLast = x.lastDay ?? Day(number: .max)
            let yLast = y.lastDay ?? Day(number: .max)
            if xLast != yLast { return xLast < yLast }
            if x.earnedOn != y.earnedOn { return x.earnedOn < y.earnedOn }  // lots merged in keep their age
            return x.sequence < y.sequence
        }
        var wanted = points
        var uses: [LotUse] = []
        for index in order where wanted > 0 {
            let used = min(wanted, lots[index].remaining)
            guard used > 0 else { continue }
            lots[index].remaining -= used
            wanted -= used
            uses.append(LotUse(lot: lots[index].key, points: Points(used)))
        }
        lots.removeAll { $0.remaining == 0 }
        return uses
    }
}

/// What a merged account held, on its way to the survivor's account.
public struct PointsTransfer: Sendable, Equatable {
    let lots: [LoyaltyAccount.Lot]
    let awards: [String: LoyaltyAccount.Award]
    let debt: Int64
    let keys: Set<String>
    let lastActivity: Day?

    /// The points moved (available and pending).
    public var points: Points { Points(lots.reduce(0) { $0 + $1.remaining }) }
}

/// A customer's points on a day.
public struct PointsBalance: Hashable, Sendable, CustomStringConvertible {
    /// Points that can be redeemed now (below zero only under
    /// ``LedgerPolicy/Reversal-swift.enum/allowNegativeBalance``).
    public var available: Points
    /// Points earned but still in their return window.
    public var pending: Points
    /// Points owed from reversals of points already spent.
    public var debt: Points

    public init(available: Points, pending: Points, debt: Points) {
        self.available = available
        self.pending = pending
        self.debt = debt
    }

    public var description: String { "available \(available.value), pending \(pending.value), debt \(debt.value)" }
}

/// Totals over an account's life. They always satisfy
/// `earned + adjustedUp + transferredIn − redeemed − expired − reversed − adjustedDown − transferredOut
/// = available + pending − debt`.
public struct LedgerTotals: Hashable, Sendable, Codable {
    /// Points awarded, including any that settled debt.
    public var earned: Int64 = 0
    /// Points spent on rewards.
    public var redeemed: Int64 = 0
    /// Points that expired or lapsed.
    public var expired: Int64 = 0
    /// Points taken back, including those recorded as debt.
    public var reversed: Int64 = 0
    /// Reversals forgiven under ``LedgerPolicy/Reversal-swift.enum/pendingOnly``.
    public var forgiven: Int64 = 0
    /// Points added by manual adjustments.
    public var adjustedUp: Int64 = 0
    /// Points taken by manual adjustments.
    public var adjustedDown: Int64 = 0
    /// Points (less debt) that arrived from merged accounts.
    public var transferredIn: Int64 = 0
    /// Points (less debt) that left for a survivor's account in a merge.
    public var transferredOut: Int64 = 0
}

/// What an operation did.
public enum LedgerOutcome: Hashable, Sendable {
    /// The entries it appended: expiries that fell due first, then its own entry.
    case applied([LedgerEntry])
    /// The key was already applied; nothing changed.
    case duplicate

    /// The appended entries (none for a duplicate).
    public var entries: [LedgerEntry] {
        if case .applied(let entries) = self { entries } else { [] }
    }
}

/// Points that will be gone on `day` unless used before.
public struct ScheduledExpiry: Hashable, Sendable {
    /// The first day the points are gone.
    public var day: Day
    /// How many points.
    public var points: Points

    public init(day: Day, points: Points) {
        self.day = day
        self.points = points
    }
}
