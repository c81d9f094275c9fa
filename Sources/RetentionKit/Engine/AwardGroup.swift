/// What an award was made for, which decides where the engine files it to take it back later.
enum AwardGroup: Sendable {
    /// Awards on an order, filed with the order: cancelling, refunding or returning it reverses
    /// them.
    case order(String)
    /// Awards a later event can take back, filed by name: a review's ("review:<id>", reversed
    /// when it is removed) and a referral's ("referral:<referee id>", reversed when the
    /// referee's order goes).
    case reversible(String)
    /// Awards nothing takes back (birthdays, tier bonuses, subscriptions, feedback, custom
    /// events): the ledger keeps them, the engine files nothing more.
    case final

    /// The order the awards were made on, if they were.
    var orderID: String? {
        if case .order(let id) = self { id } else { nil }
    }
}

/// An award the engine made, and how much of it has been reversed.
struct AwardRecord: Sendable, Codable {
    var key: String
    var points: Int64
    var perLine: LineShares
    var reversed: Int64 = 0
}
