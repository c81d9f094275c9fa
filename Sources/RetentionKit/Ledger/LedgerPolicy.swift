import Synchronization

/// How a loyalty program's ledger treats reversals, expiry and manual adjustments.
///
/// ```swift
/// var policy = LedgerPolicy()                                  // debt on reversals, no expiry
/// policy.lotExpiry = LotExpiry(days: 365, roundedUpTo: .month) // points last a year, to month end
/// policy.inactivityExpiryDays = 540                            // or 18 months without activity
/// ```
public struct LedgerPolicy: Hashable, Sendable, Codable {
    /// What happens when a reversal wants points the customer has already spent.
    public enum Reversal: Hashable, Sendable, Codable {
        /// Take back only what is still pending on the reversed award; forgive the rest.
        case pendingOnly
        /// Take what the balance holds and record the rest as debt, settled from the next
        /// points earned. The default.
        case recordDebt
        /// Take everything, letting the available balance go below zero.
        case allowNegativeBalance
    }

    /// What happens when a reversal wants points the customer has already spent.
    public var reversal: Reversal
    /// When earned points expire, counted from the day they were earned; nil for never.
    public var lotExpiry: LotExpiry?
    /// All available points expire after this many days without earning or redeeming; nil for never.
    public var inactivityExpiryDays: Int?
    /// Whether a manual adjustment may take the available balance below zero.
    public var allowsNegativeAdjustments: Bool

    public init(
        reversal: Reversal = .recordDebt, lotExpiry: LotExpiry? = nil, inactivityExpiryDays: Int? = nil,
        allowsNegativeAdjustments: Bool = false
    ) {
        self.reversal = reversal
        self.lotExpiry = lotExpiry
        self.inactivityExpiryDays = inactivityExpiryDays
        self.allowsNegativeAdjustments = allowsNegativeAdjustments
    }
}

/// Per-lot expiry: points earned on a day stay usable through the day this computes.
public struct LotExpiry: Hashable, Sendable, Codable {
    /// The period an expiry date is rounded up to the end of.
    public enum Rounding: Hashable, Sendable, Codable { case none, month, quarter, year }

    /// Days after earning.
    public var days: Int
    /// The period whose last day the expiry moves to, if any.
    public var roundedUpTo: Rounding

    public init(days: Int, roundedUpTo: Rounding = .none) {
        precondition(days >= 0, "points cannot expire before they are earned")
        self.days = days
        self.roundedUpTo = roundedUpTo
    }

    /// The last day points earned on `earned` can be used.
    public func lastDay(forPointsEarnedOn earned: Day) -> Day {
        let day = earned + days
        switch roundedUpTo {
        case .none: return day
        case .month: return day.endOfMonth
        case .quarter: return day.endOfQuarter
        case .year: return day.endOfYear
        }
    }
}

/// One ledger policy, held once per process for all the accounts that follow it: an engine's
/// customers share their program's policy, so each account keeps a pointer instead of the
/// policy's 40 bytes.
final class SharedLedgerPolicy: Sendable {
    let policy: LedgerPolicy

    private init(_ policy: LedgerPolicy) { self.policy = policy }

    /// The shared copy of `policy`, made the first time it is asked for.
    static func of(_ policy: LedgerPolicy) -> SharedLedgerPolicy {
        if policy == LedgerPolicy() { return standard }
        return known.withLock { known in
            if let shared = known[policy] { return shared }
            let shared = SharedLedgerPolicy(policy)
            known[policy] = shared
            return shared
        }
    }

    private static let standard = SharedLedgerPolicy(LedgerPolicy())
    private static let known = Mutex<[LedgerPolicy: SharedLedgerPolicy]>([:])
}
