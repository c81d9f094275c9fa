/// Everything the engine keeps about one customer.
struct CustomerState: Sendable, Codable {
    var profile: CustomerProfile
    let createdOn: Day
    var account: LoyaltyAccount
    var orders = OrderBook()
    var orderDays: [Day] = []
    var firstOrderID: String?
    var spent: [Currency: Int64] = [:]
    var reviewCount = 0
    /// Rewarded reviews: review id to product, and the products (kept for the view).
    private(set) var rewardedReviews: [String: String] = [:]
    private(set) var rewardedReviewSKUs: Set<String> = []
    /// Awards that a later event can take back, other than an order's (those are filed with
    /// the order), by what earned them ("review:r-7", "referral:c-9"), in the order they were
    /// made.
    var awards: [String: [AwardRecord]] = [:]

    /// The tier held, its rank in the tier policy (-1 for none) and since when.
    var tier: String?
    var tierRank = -1
    var tierSince: Day?
    var tierProgress: TierProgress?
    /// When a waiting downgrade takes effect unless the customer qualifies again.
    var downgradeDue: Day?
    /// Time-driven work (birthdays, tier reviews) is done through this day.
    var reviewedThrough: Day
    /// The next day time-driven work is due, as queued in the engine's review queue.
    var scheduledReview: Day?

    /// The survivor's id, once this profile was merged into another.
    var mergedInto: String?
    /// The engine's serial number of the event whose undo log holds this state's earlier copy.
    var savedBy = 0

    /// The segments the customer belongs to, sorted.
    var segments: [String] = []

    /// As a referee: who referred this customer, for which order, and whether the referrer
    /// has been rewarded. Boxed: the record holds the whole referral event, and nine customers
    /// in ten have none.
    private var storedReferral: Boxed<ReferralRecord>?
    var referral: ReferralRecord? {
        get { storedReferral?.value }
        set { storedReferral = newValue.map(Boxed.init) }
    }
    /// As a referrer: the days of the referrals accepted.
    var referralDays: [Day] = []
    /// Subscriptions by id; optional so states stored before subscriptions decode as none.
    private var storedSubscriptions: [String: Subscription]?
    var subscriptions: [String: Subscription] {
        get { storedSubscriptions ?? [:] }
        set { storedSubscriptions = newValue.isEmpty ? nil : newValue }
    }
    /// Campaign requests and what became of them, oldest first; optional for the same reason.
    private var storedCampaigns: [CampaignRecord]?
    var campaigns: [CampaignRecord] {
        get { storedCampaigns ?? [] }
        set { storedCampaigns = newValue.isEmpty ? nil : newValue }
    }
    /// Satisfaction signals; optional for the same reason.
    private var storedSatisfaction: SatisfactionSignals?
    var satisfaction: SatisfactionSignals {
        get { storedSatisfaction ?? SatisfactionSignals() }
        set { storedSatisfaction = newValue.signals.isEmpty ? nil : newValue }
    }

    /// Everything but ``savedBy``, which only means something to the engine that set it.
    enum CodingKeys: String, CodingKey {
        case profile, createdOn, account, orders, orderDays, firstOrderID, spent, reviewCount, rewardedReviews
        case rewardedReviewSKUs, awards, tier, tierRank, tierSince, tierProgress, downgradeDue, reviewedThrough
        case scheduledReview, mergedInto, segments, referralDays
        case storedReferral = "referral"
        case storedSubscriptions = "subscriptions"
        case storedSatisfaction = "satisfaction"
        case storedCampaigns = "campaigns"
    }

    /// Written out (encoding stays synthesized) to move older states' order awards into their
    /// orders after reading; a field added to the state must be read here too.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decode(CustomerProfile.self, forKey: .profile)
        createdOn = try container.decode(Day.self, forKey: .createdOn)
        account = try container.decode(LoyaltyAccount.self, forKey: .account)
        orders = try container.decode(OrderBook.self, forKey: .orders)
        orderDays = try container.decode([Day].self, forKey: .orderDays)
        firstOrderID = try container.decodeIfPresent(String.self, forKey: .firstOrderID)
        spent = try container.decode([Currency: Int64].self, forKey: .spent)
        reviewCount = try container.decode(Int.self, forKey: .reviewCount)
        rewardedReviews = try container.decode([String: String].self, forKey: .rewardedReviews)
        rewardedReviewSKUs = try container.decode(Set<String>.self, forKey: .rewardedReviewSKUs)
        awards = try container.decode([String: [AwardRecord]].self, forKey: .awards)
        tier = try container.decodeIfPresent(String.self, forKey: .tier)
        tierRank = try container.decode(Int.self, forKey: .tierRank)
        tierSince = try container.decodeIfPresent(Day.self, forKey: .tierSince)
        tierProgress = try container.decodeIfPresent(TierProgress.self, forKey: .tierProgress)
        downgradeDue = try container.decodeIfPresent(Day.self, forKey: .downgradeDue)
        reviewedThrough = try container.decode(Day.self, forKey: .reviewedThrough)
        scheduledReview = try container.decodeIfPresent(Day.self, forKey: .scheduledReview)
        mergedInto = try container.decodeIfPresent(String.self, forKey: .mergedInto)
        segments = try container.decode([String].self, forKey: .segments)
        referralDays = try container.decode([Day].self, forKey: .referralDays)
        storedReferral = try container.decodeIfPresent(Boxed<ReferralRecord>.self, forKey: .storedReferral)
        storedSubscriptions = try container.decodeIfPresent([String: Subscription].self, forKey: .storedSubscriptions)
        storedSatisfaction = try container.decodeIfPresent(SatisfactionSignals.self, forKey: .storedSatisfaction)
        storedCampaigns = try container.decodeIfPresent([CampaignRecord].self, forKey: .storedCampaigns)
        // States written before 2026-12-07 kept an order's awards here, as "order:<id>"; they
        // now live with the order.
        for (group, list) in awards where group.hasPrefix("order:") {
            let id = String(group.dropFirst("order:".count))
            guard orders.contains(id) else { continue }
            orders.modify(id) { $0.awards.append(contentsOf: list) }
            awards[group] = nil
        }
    }

    init(profile: CustomerProfile, createdOn: Day, policy: LedgerPolicy) {
        self.profile = profile
        self.createdOn = createdOn
        reviewedThrough = createdOn - 1
        account = LoyaltyAccount(policy: policy)
    }

    mutating func update(with change: CustomerProfile) {
        if let email = change.email { profile.email = email }
        if let name = change.name { profile.name = name }
        if let birthday = change.birthday { profile.birthday = birthday }
        if let referredBy = change.referredBy { profile.referredBy = referredBy }
        if let tags = change.tags { profile.tags = tags }
        if let attributes = change.attributes { profile.attributes = attributes }
    }

    func view(on day: Day, program: Program) -> CustomerView {
        let qualification = program.qualification
        let balance = account.balance(on: max(day, account.today ?? day))
        let average: Double? =
            orderDays.count >= 2 ? Double(orderDays[orderDays.count - 1] - orderDays[0]) / Double(orderDays.count - 1) : nil
        var qualifyingOrders = 0
        var spendInWindow = CurrencyAmounts()
        orders.forEachAmount { closed, orderDay, currency, total, refunded in
            guard !closed, qualification.contains(orderDay, on: day) else { return }
            spendInWindow.add(total - refunded, in: currency)
            qualifyingOrders += 1
        }
        return CustomerView(
            id: profile.id, email: profile.email, createdOn: createdOn, birthday: profile.birthday,
            tags: profile.tags ?? [], attributes: profile.attributes ?? [:], orderCount: orderDays.count, totalSpent: spent,
            qualification: qualification, spendInWindow: spendInWindow, qualifyingOrderCount: qualifyingOrders,
            qualifyingPoints: Points(pointsEarned(since: qualification.firstDay(on: day), through: day)),
            firstOrderDay: orderDays.first, lastOrderDay: orderDays.last, daysSinceLastOrder: orderDays.last.map { day - $0 },
            averageDaysBetweenOrders: average, pointsAvailable: balance.available, pointsPending: balance.pending,
            lifetimePoints: Points(account.totals.earned), tier: tier, tierSince: tierSince, tierProgress: tierProgress,
            tierDowngradeOn: downgradeDue, segments: segments, referralCount: referralDays.count, reviewCount: reviewCount,
            rewardedReviewSKUs: rewardedReviewSKUs,
            subscriptions: SubscriptionSummary(subscriptions.values, on: day, skipWindow: program.subscriptions.skipWindowCycles),
            satisfaction: satisfaction.summary(on: day, policy: program.satisfaction))
    }

    /// Points earned from `first` (nil for ever) through `last`, less what reversals in that
    /// time took back (shortfalls included).
    func pointsEarned(since first: Day?, through last: Day) -> Int64 {
        var sum: Int64 = 0
        // Entries are read field by field, newest first: binding a whole entry would copy its
        // strings and arrays on every step.
        let entries = account.entries
        var index = entries.endIndex
        while index > 0 {
            index -= 1
            let day = entries[index].day
            if let first, day < first { break }
            guard day <= last else { continue }
            switch entries[index].kind {
            case .earned: sum += entries[index].points.value
            case .reversed: sum += entries[index].points.value - entries[index].shortfall.value
            default: break
            }
        }
        return max(0, sum)
    }

    /// Points earned on `day` alone (for daily limits).
    func pointsEarned(on day: Day) -> Int64 {
        var sum: Int64 = 0
        let entries = account.entries
        var index = entries.endIndex
        while index > 0 {
            index -= 1
            guard entries[index].day >= day else { break }
            if entries[index].kind == .earned, entries[index].day == day { sum += entries[index].points.value }
        }
        return sum
    }

    /// Points earned in the `days` days through `day` (for period limits), reversals ignored.
    func pointsEarned(inLast days: Int, through day: Day) -> Int64 {
        var sum: Int64 = 0
        let first = day - (days - 1)
        let entries = account.entries
        var index = entries.endIndex
        while index > 0 {
            index -= 1
            guard entries[index].day >= first else { break }
            if entries[index].kind == .earned, entries[index].day <= day { sum += entries[index].points.value }
        }
        return sum
    }

    func snapshot(of orderID: String) -> OrderSnapshot? {
        guard let record = orders[orderID] else { return nil }
        return OrderSnapshot(record: record)
    }

    /// The awards filed under `group`, in the order they were made.
    func awards(in group: AwardGroup) -> [AwardRecord] {
        switch group {
        case .order(let id): orders[id]?.awards ?? []
        case .reversible(let name): awards[name] ?? []
        case .final: []
        }
    }

    mutating func recordRewardedReview(_ reviewID: String, sku: String) {
        rewardedReviews[reviewID] = sku
        rewardedReviewSKUs.insert(sku)
    }

    mutating func removeRewardedReview(_ reviewID: String) {
        guard rewardedReviews.removeValue(forKey: reviewID) != nil else { return }
        rewardedReviewSKUs = Set(rewardedReviews.values)
    }

    mutating func recordOrder(_ order: Order, on day: Day, awards: [AwardRecord]) {
        var record = OrderRecord(order: order, day: day)
        record.awards = awards
        orders.append(record)
        orderDays.appendCompactly(day)
        if firstOrderID == nil { firstOrderID = order.id }
        spent[order.currency, default: 0] += order.total.minorUnits
    }

    mutating func recordRefund(_ amount: Int64, of orderID: String) {
        guard let currency = orders[orderID]?.currency else { return }
        orders.modify(orderID) { $0.refunded += amount }
        spent[currency, default: 0] -= amount
    }

    mutating func recordReturn(_ quantities: [Int: Int64], of orderID: String) {
        orders.modify(orderID) { record in
            for (line, quantity) in quantities { record.returnedQuantity[line, default: 0] += quantity }
        }
    }

    mutating func closeOrder(_ orderID: String) {
        guard let record = orders[orderID] else { return }
        // Money not refunded yet no longer counts as spent.
        spent[record.currency, default: 0] -= record.total - record.refunded
        orders.modify(orderID) { record in
            record.refunded = record.total
            record.closed = true
        }
    }

    /// Files the awards one event made under `group` (an order's all at once: changing an
    /// order unpacks and packs it).
    mutating func recordAwards(_ made: [AwardRecord], in group: AwardGroup) {
        guard !made.isEmpty else { return }
        switch group {
        case .order(let id): orders.modify(id) { $0.awards.append(contentsOf: made) }
        case .reversible(let name): awards[name, default: []].append(contentsOf: made)
        case .final: break
        }
    }

    /// Adds what was reversed of each award (by its index) filed under `group`, an order's all
    /// at once.
    mutating func recordReversals(_ reversed: [(award: Int, points: Int64)], in group: AwardGroup) {
        guard !reversed.isEmpty else { return }
        switch group {
        case .order(let id): orders.modify(id) { for (index, points) in reversed { $0.awards[index].reversed += points } }
        case .reversible(let name): for (index, points) in reversed { awards[name]?[index].reversed += points }
        case .final: break
        }
    }

    /// A ledger operation the engine has already validated; a refusal here is a bug.
    mutating func mustApply(_ body: (inout LoyaltyAccount) throws(LedgerError) -> LedgerOutcome) -> LedgerOutcome {
        do {
            return try body(&account)
        } catch {
            preconditionFailure("the engine validated this ledger operation, but the ledger refused it: \(error)")
        }
    }

    // MARK: - Merging

    /// Takes in a merged profile's history (its ledger is transferred separately): orders,
    /// spend, reviews, awards still reversible, referrals, and the higher of the two tiers.
    mutating func absorb(_ other: CustomerState) {
        orders.absorb(other.orders)
        orderDays = (orderDays + other.orderDays).sorted()
        if let theirs = other.firstOrderID, let theirDay = other.orders[theirs]?.day,
            firstOrderID.flatMap({ orders[$0]?.day }).map({ theirDay < $0 }) ?? true
        {
            firstOrderID = theirs
        }
        spent.merge(other.spent, uniquingKeysWith: +)
        reviewCount += other.reviewCount
        for (review, sku) in other.rewardedReviews where rewardedReviews[review] == nil { recordRewardedReview(review, sku: sku) }
        awards.merge(other.awards, uniquingKeysWith: +)
        referralDays = (referralDays + other.referralDays).sorted()
        subscriptions.merge(other.subscriptions) { mine, _ in mine }
        satisfaction.absorb(other.satisfaction)
        campaigns = (campaigns + other.campaigns).enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map(\.element)
        if referral == nil { referral = other.referral }
        segments = Array(Set(segments + other.segments)).sorted()
        if other.tierRank > tierRank {
            (tier, tierRank, tierSince, downgradeDue) = (other.tier, other.tierRank, other.tierSince, other.downgradeDue)
        }
        if profile.birthday == nil { profile.birthday = other.profile.birthday }
        if profile.email == nil { profile.email = other.profile.email }
        if profile.name == nil { profile.name = other.profile.name }
        if let tags = other.profile.tags { profile.tags = (profile.tags ?? []) + tags.filter { !(profile.tags ?? []).contains($0) } }
        if let attributes = other.profile.attributes { profile.attributes = (profile.attributes ?? [:]).merging(attributes) { mine, _ in mine } }
        // Birthdays the merged profile was rewarded for stay rewarded.
        reviewedThrough = max(reviewedThrough, other.reviewedThrough)
    }

    // MARK: - Time-driven work

    /// The customer's birthday in `year` (28 February for 29 February in other years).
    func birthday(in year: Int) -> Day? {
        guard let birthday = profile.birthday else { return nil }
        let (_, month, day) = birthday.civil
        return Day(year: year, month: month, day: day) ?? Day(year: year, month: month, day: day - 1)
    }

    /// The first birthday after `day`.
    func nextBirthday(after day: Day) -> Day? {
        let year = day.civil.year
        for candidate in [year, year + 1] {
            if let birthday = birthday(in: candidate), birthday > day { return birthday }
        }
        return nil
    }

    /// The first day after ``reviewedThrough`` on which time alone may change something: a
    /// birthday, a waiting downgrade, or (for a customer holding a tier) an order or award
    /// leaving the qualification window.
    func nextReviewDay(qualification: QualificationWindow, tracksTiers: Bool) -> Day? {
        var next = downgradeDue.flatMap { $0 > reviewedThrough ? $0 : reviewedThrough + 1 }
        func consider(_ day: Day?) {
            guard let day, day > reviewedThrough else { return }
            next = next.map { min($0, day) } ?? day
        }
        consider(nextBirthday(after: reviewedThrough))
        guard tracksTiers, tierRank >= 0 else { return next }
        switch qualification {
        case .rolling(let days):
            // Something counted on day d stops counting on d + days. Orders and entries are in
            // day order, so the scan walks back over the window only, not the whole history.
            let after = reviewedThrough - days
            var earliest: Day?
            for day in orderDays.reversed() {
                guard day > after else { break }
                earliest = day
            }
            let entries = account.entries
            var index = entries.endIndex
            while index > 0 {
                index -= 1
                let day = entries[index].day
                guard day > after else { break }
                if entries[index].kind == .earned { earliest = min(earliest ?? day, day) }
            }
            consider(earliest.map { $0 + days })
        case .calendarYear:
            consider(Day(year: reviewedThrough.civil.year + 1, month: 1, day: 1))
        case .lifetime:
            break
        }
        return next
    }
}

/// A referral as the referee's state keeps it.
struct ReferralRecord: Sendable, Codable {
    var referrerID: String
    var orderID: String
    /// The referrer's award group ("referral:<referee id>", the id the referee had then).
    var group: String
    /// The referral_completed event, kept to ask the rules when the order is paid.
    var event: Event
    var rewarded = false
    /// The order was cancelled or refunded before the reward: there will be none.
    var void = false
}

/// An order with its awards, as the engine reads it to decide a reversal.
struct OrderSnapshot {
    var record: OrderRecord

    var awards: [AwardRecord] { record.awards }
    var id: String { record.id }
    var closed: Bool { record.closed }
}

