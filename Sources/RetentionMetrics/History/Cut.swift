import RetentionKit

/// A slice of the store to compute a metric over: one segment, channel, product category or
/// tenure band. Metrics on a cut see only its customers and orders.
///
/// ```swift
/// let vip = try OrderHistory(orders: orders, customers: profiles, currency: .usd, cut: .segment("vip"))
/// let web = try OrderHistory(orders: orders, currency: .usd, cut: .channel("web"))
/// ```
public enum Cut: Hashable, Sendable {
    /// Customers whose profile lists this segment.
    case segment(String)
    /// Orders placed through this channel.
    case channel(String)
    /// Orders with lines in this category, counting only those lines' revenue.
    case category(String)
    /// Customers whose first counted order was `days` (a range) before `asOf`.
    case tenure(days: ClosedRange<Int>, asOf: Day)
    /// Loyalty members (true) or everybody else (false).
    case loyaltyMembers(Bool)
}

extension Cut: CustomStringConvertible {
    /// The cut in words, as a report heads its figures: "segment vip", "channel web",
    /// "customers whose first order was 0–90 days before 2026-12-31", "loyalty members".
    public var description: String {
        switch self {
        case .segment(let name): "segment \(name)"
        case .channel(let name): "channel \(name)"
        case .category(let name): "category \(name)"
        case .tenure(let days, let asOf): "customers whose first order was \(days.lowerBound)–\(days.upperBound) days before \(asOf.iso)"
        case .loyaltyMembers(let members): members ? "loyalty members" : "customers outside the loyalty programme"
        }
    }
}
