/// What a subscription delivers each cycle: its items, in one currency, with an optional bundle
/// discount on their sum.
///
/// ```swift
/// let box = try SubscriptionBundle(
///     items: [SubscriptionItem(sku: "BEANS", quantity: 2, unitPrice: try Money(parsing: "12.00", currency: .usd)),
///             SubscriptionItem(sku: "FILTERS", quantity: 1, unitPrice: try Money(parsing: "4.00", currency: .usd))],
///     discountPercent: 10)
/// box.cyclePrice   // 25.20 USD: 28.00 less 10%
/// ```
public struct SubscriptionBundle: Hashable, Sendable, Codable {
    /// The items delivered each cycle.
    public let items: [SubscriptionItem]
    /// Percent taken off the items' sum for taking them together, 0 to 100.
    public let discountPercent: Int

    /// - Throws: ``SubscriptionError/Code-swift.struct/invalidItems`` without items, with items
    ///   in different currencies, or with a discount outside 0–100.
    public init(items: [SubscriptionItem], discountPercent: Int = 0) throws(SubscriptionError) {
        guard let currency = items.first?.unitPrice.currency else {
            throw SubscriptionError(.invalidItems, subscriptionID: nil, message: "a subscription needs at least one item")
        }
        if let other = items.first(where: { $0.unitPrice.currency != currency }) {
            throw SubscriptionError(
                .invalidItems, subscriptionID: nil,
                message: "item \(other.sku) is priced in \(other.unitPrice.currency.code), the others in \(currency.code); price every item in one currency")
        }
        guard (0...100).contains(discountPercent) else {
            throw SubscriptionError(
                .invalidItems, subscriptionID: nil, message: "a bundle discount of \(discountPercent)% is not between 0 and 100")
        }
        self.items = items
        self.discountPercent = discountPercent
    }

    /// The currency of every price.
    public var currency: Currency { items[0].unitPrice.currency }

    /// The items' sum before the bundle discount.
    public var listPrice: Money { items.reduce(.zero(currency)) { $0 + $1.unitPrice * $1.quantity } }

    /// What one cycle costs: the items' sum less the bundle discount, rounded to the nearest
    /// minor unit (halves up).
    public var cyclePrice: Money {
        let list = listPrice.minorUnits
        let discount = (list * Int64(discountPercent) + 50) / 100
        return Money(minorUnits: list - discount, currency: currency)
    }
}

/// One item of a subscription.
public struct SubscriptionItem: Hashable, Sendable, Codable {
    /// The product's SKU.
    public var sku: String
    /// Units each cycle, at least 1.
    public var quantity: Int64
    /// The price of one unit.
    public var unitPrice: Money

    public init(sku: String, quantity: Int64, unitPrice: Money) {
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}
