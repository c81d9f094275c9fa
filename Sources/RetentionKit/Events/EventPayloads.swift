/// A customer's profile as `customer_created` and `customer_updated` carry it.
public struct CustomerProfile: Hashable, Sendable, Codable {
    /// The identifier.
    public var id: String
    /// The e-mail address, when known.
    public var email: String?
    /// The name, when known.
    public var name: String?
    /// The birthday (the year may be any; rules use the month and day).
    public var birthday: Day?
    /// The customer who referred this one.
    public var referredBy: String?
    /// The merchant's tags.
    public var tags: [String]?
    /// The merchant's own fields.
    public var attributes: [String: AttributeValue]?

    public init(
        id: String, email: String? = nil, name: String? = nil, birthday: Day? = nil, referredBy: String? = nil,
        tags: [String]? = nil, attributes: [String: AttributeValue]? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.birthday = birthday
        self.referredBy = referredBy
        self.tags = tags
        self.attributes = attributes
    }
}

/// A value of a merchant's own field.
public enum AttributeValue: Hashable, Sendable, Codable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case boolean(Bool)
}

/// An order as `order_placed` carries it. All amounts are in the order's currency.
public struct Order: Hashable, Sendable, Codable {
    /// The identifier.
    public var id: String
    /// The customer.
    public var customerID: String
    /// The currency of every amount in it.
    public var currency: Currency
    /// Where it was placed ("web", "pos", "app"...), when known.
    public var channel: String?
    /// The lines.
    public var lines: [OrderLine]
    /// Shipping charged.
    public var shipping: Money
    /// Tax charged.
    public var tax: Money
    /// Discounts on the order (codes, automatic discounts).
    public var discount: Money
    /// The part paid with gift cards.
    public var giftCard: Money
    /// Loyalty points the customer spent on this order.
    public var pointsRedeemed: Points
    /// The money the redeemed points took off.
    public var pointsDiscount: Money
    /// What the customer was charged.
    public var total: Money

    public init(
        id: String, customerID: String, currency: Currency, channel: String? = nil, lines: [OrderLine],
        shipping: Money? = nil, tax: Money? = nil, discount: Money? = nil, giftCard: Money? = nil,
        pointsRedeemed: Points = .zero, pointsDiscount: Money? = nil, total: Money
    ) {
        self.id = id
        self.customerID = customerID
        self.currency = currency
        self.channel = channel
        self.lines = lines
        self.shipping = shipping ?? .zero(currency)
        self.tax = tax ?? .zero(currency)
        self.discount = discount ?? .zero(currency)
        self.giftCard = giftCard ?? .zero(currency)
        self.pointsRedeemed = pointsRedeemed
        self.pointsDiscount = pointsDiscount ?? .zero(currency)
        self.total = total
    }

    /// The lines' total before discounts, shipping and tax.
    public var subtotal: Money {
        lines.reduce(.zero(currency)) { $0 + $1.amount }
    }
}

/// One line of an order.
public struct OrderLine: Hashable, Sendable, Codable {
    /// The product's SKU.
    public var sku: String
    /// The product category, when the store sends it (rules use it for multipliers).
    public var category: String?
    /// Units bought, at least 1.
    public var quantity: Int64
    /// The price of one unit.
    public var unitPrice: Money

    public init(sku: String, category: String? = nil, quantity: Int64, unitPrice: Money) {
        self.sku = sku
        self.category = category
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    /// Quantity times unit price.
    public var amount: Money { unitPrice * quantity }
}

/// The order an `order_paid`, `order_fulfilled` or `order_cancelled` is about.
public struct OrderReference: Hashable, Sendable, Codable {
    /// The order.
    public var orderID: String
    /// The customer.
    public var customerID: String

    public init(orderID: String, customerID: String) {
        self.orderID = orderID
        self.customerID = customerID
    }
}

/// Units of one SKU, in a refund or a return.
public struct LineQuantity: Hashable, Sendable, Codable {
    /// The product's SKU.
    public var sku: String
    /// Units.
    public var quantity: Int64

    public init(sku: String, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// Money given back on an order: an amount, and optionally which lines it was for.
public struct OrderRefund: Hashable, Sendable, Codable {
    /// The order.
    public var orderID: String
    /// The customer.
    public var customerID: String
    /// The amount.
    public var amount: Money
    /// The lines refunded, when the refund is for given lines; nil for a refund by amount.
    public var lines: [LineQuantity]?

    public init(orderID: String, customerID: String, amount: Money, lines: [LineQuantity]? = nil) {
        self.orderID = orderID
        self.customerID = customerID
        self.amount = amount
        self.lines = lines
    }
}

/// Goods sent back; nil lines for the whole order.
public struct OrderReturn: Hashable, Sendable, Codable {
    /// The order.
    public var orderID: String
    /// The customer.
    public var customerID: String
    /// The lines.
    public var lines: [LineQuantity]?

    public init(orderID: String, customerID: String, lines: [LineQuantity]? = nil) {
        self.orderID = orderID
        self.customerID = customerID
        self.lines = lines
    }
}

/// A product review.
public struct Review: Hashable, Sendable, Codable {
    /// The identifier.
    public var id: String
    /// The customer.
    public var customerID: String
    /// The product's SKU.
    public var sku: String
    /// 1 to 5.
    public var rating: Int
    /// Whether it has a photo or video.
    public var hasMedia: Bool

    public init(id: String, customerID: String, sku: String, rating: Int, hasMedia: Bool = false) {
        self.id = id
        self.customerID = customerID
        self.sku = sku
        self.rating = rating
        self.hasMedia = hasMedia
    }
}

/// A referred customer's qualifying order.
public struct Referral: Hashable, Sendable, Codable {
    /// The customer who referred.
    public var referrerID: String
    /// The customer who was referred.
    public var refereeID: String
    /// The order.
    public var orderID: String

    public init(referrerID: String, refereeID: String, orderID: String) {
        self.referrerID = referrerID
        self.refereeID = refereeID
        self.orderID = orderID
    }
}

/// Points spent on a reward.
public struct Redemption: Hashable, Sendable, Codable {
    /// Unique per redemption; redeeming the same id twice spends once.
    public var id: String
    /// The customer.
    public var customerID: String
    /// The points.
    public var points: Points
    /// What the points bought ("free coffee", "$5 off").
    public var reward: String

    public init(id: String, customerID: String, points: Points, reward: String) {
        self.id = id
        self.customerID = customerID
        self.points = points
        self.reward = reward
    }
}

/// A merchant-defined event.
public struct CustomEvent: Hashable, Sendable, Codable {
    /// What happened ("instagram_follow", "newsletter_signup").
    public var name: String
    /// The customer.
    public var customerID: String
    /// The merchant's own fields.
    public var attributes: [String: AttributeValue]

    public init(name: String, customerID: String, attributes: [String: AttributeValue] = [:]) {
        self.name = name
        self.customerID = customerID
        self.attributes = attributes
    }
}
