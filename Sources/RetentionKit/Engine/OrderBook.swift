/// A customer's orders, in the order they were placed, found by id.
///
/// Orders are kept packed (``PackedOrder``: the figures views sum as they are, the rest as
/// bytes) and unpacked when one of them changes or is read whole; the engine changes an order
/// a few times in its life (its awards, its payment, a refund). Most customers have a handful
/// of orders, so the book is searched from the newest end (refunds and returns are mostly about
/// recent orders); an id index is built only once a customer has more than ``indexedFrom``
/// orders, so a store's largest buyers stay fast without every customer paying for a
/// dictionary.
struct OrderBook: Sendable {
    /// The orders, oldest first.
    private(set) var packed: [PackedOrder] = []
    /// Order id to position in ``packed``, once there are more than ``indexedFrom`` orders.
    private var index: [String: Int]?

    static let indexedFrom = 16

    var count: Int { packed.count }
    var ids: [String] { packed.map(\.id) }

    /// Every order whole, oldest first.
    var records: [OrderRecord] { packed.map(\.record) }

    /// The position of the order with this id, if the customer has it.
    func position(of id: String) -> Int? {
        if let index { return index[id] }
        var position = packed.endIndex
        while position > 0 {
            position -= 1
            if packed[position].has(id: id) { return position }
        }
        return nil
    }

    func contains(_ id: String) -> Bool { position(of: id) != nil }

    subscript(id: String) -> OrderRecord? { position(of: id).map { packed[$0].record } }

    /// Calls `body` with what views sum of each order, oldest first: whether it is closed, its
    /// day, currency, total and refunded amount.
    func forEachAmount(_ body: (_ closed: Bool, _ day: Day, _ currency: Currency, _ total: Int64, _ refunded: Int64) -> Void) {
        for index in packed.indices {
            body(packed[index].closed, packed[index].day, packed[index].currency, packed[index].total, packed[index].refunded)
        }
    }

    /// Adds an order; its id must not be in the book yet.
    mutating func append(_ record: OrderRecord) {
        let position = packed.count
        if index != nil {
            index?[record.id] = position
        } else if position == Self.indexedFrom {
            var built = [String: Int](minimumCapacity: position * 2)
            for earlier in packed.indices { built[packed[earlier].id] = earlier }
            built[record.id] = position
            index = built
        }
        packed.appendCompactly(PackedOrder(record))
    }

    /// Changes the order with this id (unpacking it and packing it again); does nothing when
    /// there is none.
    mutating func modify(_ id: String, _ body: (inout OrderRecord) -> Void) {
        guard let position = position(of: id) else { return }
        var record = packed[position].record
        body(&record)
        packed[position] = PackedOrder(record)
    }

    /// Adds the orders of `other` whose ids this book does not hold yet; of an order both
    /// hold, this book's record stays and takes in the other's awards.
    mutating func absorb(_ other: OrderBook) {
        for record in other.records {
            if contains(record.id) {
                modify(record.id) { $0.awards += record.awards }
            } else {
                append(record)
            }
        }
    }
}

extension OrderBook: Codable {
    /// Stored as the list of records; the index is rebuilt on decoding. States written before
    /// the book existed hold a dictionary of records by id, which decodes too.
    init(from decoder: any Decoder) throws {
        var book = OrderBook()
        if var list = try? decoder.unkeyedContainer() {
            while !list.isAtEnd { book.append(try list.decode(OrderRecord.self)) }
        } else {
            let byID = try [String: OrderRecord](from: decoder)
            for record in byID.values.sorted(by: { ($0.day, $0.id) < ($1.day, $1.id) }) { book.append(record) }
        }
        self = book
    }

    func encode(to encoder: any Encoder) throws {
        try records.encode(to: encoder)
    }
}

/// An order as the engine reads and changes it (the book keeps it packed, as a
/// ``PackedOrder``): the amounts as minor units of the order's one currency (a ``Money``
/// carries its currency, so the placed ``Order`` holds it eight times or more). ``order``
/// gives back the order as placed.
struct OrderRecord: Sendable {
    var id: String
    var customerID: String
    var currency: Currency
    var channel: String?
    var lines: [RecordedLine]
    var shipping: Int64
    var tax: Int64
    var discount: Int64
    var giftCard: Int64
    var pointsRedeemed: Int64
    var pointsDiscount: Int64
    var total: Int64
    var day: Day
    var refunded: Int64 = 0
    var closed = false
    var paidOn: Day?
    /// Units refunded or returned, by line index.
    var returnedQuantity: [Int: Int64] = [:]
    /// What the rules awarded on the order, in the order they were made.
    var awards: [AwardRecord] = []

    init(
        id: String, customerID: String, currency: Currency, channel: String?, lines: [RecordedLine], shipping: Int64, tax: Int64,
        discount: Int64, giftCard: Int64, pointsRedeemed: Int64, pointsDiscount: Int64, total: Int64, day: Day
    ) {
        self.id = id
        self.customerID = customerID
        self.currency = currency
        self.channel = channel
        self.lines = lines
        self.shipping = shipping
        self.tax = tax
        self.discount = discount
        self.giftCard = giftCard
        self.pointsRedeemed = pointsRedeemed
        self.pointsDiscount = pointsDiscount
        self.total = total
        self.day = day
    }

    init(order: Order, day: Day) {
        id = order.id
        customerID = order.customerID
        currency = order.currency
        channel = order.channel
        lines = order.lines.map { RecordedLine(sku: $0.sku, category: $0.category, quantity: $0.quantity, unitPrice: $0.unitPrice.minorUnits) }
        shipping = order.shipping.minorUnits
        tax = order.tax.minorUnits
        discount = order.discount.minorUnits
        giftCard = order.giftCard.minorUnits
        pointsRedeemed = order.pointsRedeemed.value
        pointsDiscount = order.pointsDiscount.minorUnits
        total = order.total.minorUnits
        self.day = day
    }

    /// The order as it was placed.
    var order: Order {
        func money(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: currency) }
        return Order(
            id: id, customerID: customerID, currency: currency, channel: channel,
            lines: lines.map { OrderLine(sku: $0.sku, category: $0.category, quantity: $0.quantity, unitPrice: money($0.unitPrice)) },
            shipping: money(shipping), tax: money(tax), discount: money(discount), giftCard: money(giftCard),
            pointsRedeemed: Points(pointsRedeemed), pointsDiscount: money(pointsDiscount), total: money(total))
    }
}

/// An order line as the engine keeps it (the price in minor units of the order's currency).
struct RecordedLine: Sendable, Codable {
    var sku: String
    var category: String?
    var quantity: Int64
    var unitPrice: Int64
}

extension OrderRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case id, customerID, currency, channel, lines, shipping, tax, discount, giftCard, pointsRedeemed, pointsDiscount
        case total, day, refunded, closed, paidOn, returnedQuantity, awards
        /// States written before orders were kept compact hold the placed order whole.
        case order
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.order) {
            self = OrderRecord(order: try container.decode(Order.self, forKey: .order), day: try container.decode(Day.self, forKey: .day))
        } else {
            id = try container.decode(String.self, forKey: .id)
            customerID = try container.decode(String.self, forKey: .customerID)
            currency = try container.decode(Currency.self, forKey: .currency)
            channel = try container.decodeIfPresent(String.self, forKey: .channel)
            lines = try container.decode([RecordedLine].self, forKey: .lines)
            shipping = try container.decode(Int64.self, forKey: .shipping)
            tax = try container.decode(Int64.self, forKey: .tax)
            discount = try container.decode(Int64.self, forKey: .discount)
            giftCard = try container.decode(Int64.self, forKey: .giftCard)
            pointsRedeemed = try container.decode(Int64.self, forKey: .pointsRedeemed)
            pointsDiscount = try container.decode(Int64.self, forKey: .pointsDiscount)
            total = try container.decode(Int64.self, forKey: .total)
            day = try container.decode(Day.self, forKey: .day)
        }
        refunded = try container.decode(Int64.self, forKey: .refunded)
        closed = try container.decode(Bool.self, forKey: .closed)
        paidOn = try container.decodeIfPresent(Day.self, forKey: .paidOn)
        returnedQuantity = try container.decode([Int: Int64].self, forKey: .returnedQuantity)
        // Before 2026-12-07 the customer's state kept an order's awards (see CustomerState).
        awards = try container.decodeIfPresent([AwardRecord].self, forKey: .awards) ?? []
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerID, forKey: .customerID)
        try container.encode(currency, forKey: .currency)
        try container.encodeIfPresent(channel, forKey: .channel)
        try container.encode(lines, forKey: .lines)
        try container.encode(shipping, forKey: .shipping)
        try container.encode(tax, forKey: .tax)
        try container.encode(discount, forKey: .discount)
        try container.encode(giftCard, forKey: .giftCard)
        try container.encode(pointsRedeemed, forKey: .pointsRedeemed)
        try container.encode(pointsDiscount, forKey: .pointsDiscount)
        try container.encode(total, forKey: .total)
        try container.encode(day, forKey: .day)
        try container.encode(refunded, forKey: .refunded)
        try container.encode(closed, forKey: .closed)
        try container.encodeIfPresent(paidOn, forKey: .paidOn)
        try container.encode(returnedQuantity, forKey: .returnedQuantity)
        if !awards.isEmpty { try container.encode(awards, forKey: .awards) }
    }
}
