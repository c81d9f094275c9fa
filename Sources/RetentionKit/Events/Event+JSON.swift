extension Event {
    /// The event in its JSON form, the one ``EventParser`` reads (one line of a JSON Lines file
    /// is `event.json.text`).
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("type", .string(type)), ("at", .string(at.iso))]
        members += payload.jsonMembers
        return .object(members)
    }
}

extension EventPayload {
    fileprivate var jsonMembers: [(String, JSONValue)] {
        switch self {
        case .customerCreated(let c), .customerUpdated(let c): [("customer", c.json)]
        case .customersMerged(let survivor, let merged): [("survivor_id", .string(survivor)), ("merged_id", .string(merged))]
        case .orderPlaced(let o): [("order", o.json)]
        case .orderPaid(let r), .orderFulfilled(let r), .orderCancelled(let r):
            [("order_id", .string(r.orderID)), ("customer_id", .string(r.customerID))]
        case .orderRefunded(let r):
            [("order_id", .string(r.orderID)), ("customer_id", .string(r.customerID)),
             ("currency", .string(r.amount.currency.code)), ("amount", .string(r.amount.formatted))]
                + (r.lines.map { [("lines", .array($0.map(\.json)))] } ?? [])
        case .orderReturned(let r):
            [("order_id", .string(r.orderID)), ("customer_id", .string(r.customerID))]
                + (r.lines.map { [("lines", .array($0.map(\.json)))] } ?? [])
        case .reviewPosted(let r):
            [("review", .object([
                ("id", .string(r.id)), ("customer_id", .string(r.customerID)), ("sku", .string(r.sku)),
                ("rating", .integer(Int64(r.rating))), ("has_media", .bool(r.hasMedia)),
            ]))]
        case .reviewRemoved(let review, let customer): [("review_id", .string(review)), ("customer_id", .string(customer))]
        case .referralCompleted(let r):
            [("referrer_id", .string(r.referrerID)), ("referee_id", .string(r.refereeID)), ("order_id", .string(r.orderID))]
        case .pointsRedeemed(let r):
            [("redemption_id", .string(r.id)), ("customer_id", .string(r.customerID)), ("points", .integer(r.points.value)),
             ("reward", .string(r.reward))]
        case .pointsAdjusted(let customer, let points, let reason):
            [("customer_id", .string(customer)), ("points", .integer(points.value)), ("reason", .string(reason))]
        case .custom(let c):
            [("name", .string(c.name)), ("customer_id", .string(c.customerID)), ("attributes", attributesJSON(c.attributes))]
        case .subscriptionStarted(let start):
            [("subscription", .object(
                [("id", .string(start.id)), ("customer_id", .string(start.customerID)), ("plan", .string(start.plan)),
                 ("interval", start.interval.json)] + start.bundle.jsonMembers))]
        case .subscriptionChanged(let update):
            [("subscription_id", .string(update.subscriptionID)), ("customer_id", .string(update.customerID))]
                + update.change.jsonMembers
        case .feedbackReceived(let f):
            {
                var members: [(String, JSONValue)] = [("customer_id", .string(f.customerID))]
                switch f.score {
                case .nps(let n): members += [("kind", .string("nps")), ("score", .integer(Int64(n)))]
                case .csat(let c): members += [("kind", .string("csat")), ("score", .integer(Int64(c)))]
                }
                members.append(("touchpoint", .string(f.touchpoint)))
                if let order = f.orderID { members.append(("order_id", .string(order))) }
                if let sku = f.sku { members.append(("sku", .string(sku))) }
                return members
            }()
        case .supportTicketClosed(let t):
            [("ticket_id", .string(t.ticketID)), ("customer_id", .string(t.customerID)), ("resolved", .bool(t.resolved)),
             ("contacts", .integer(Int64(t.contacts)))]
                + (t.firstResponseMinutes.map { [("first_response_minutes", .integer(Int64($0)))] } ?? [])
        case .deliveryDelayed(let d):
            [("order_id", .string(d.orderID)), ("customer_id", .string(d.customerID)), ("days", .integer(Int64(d.days)))]
        case .clock: []
        case .birthday(let customer, let year): [("customer_id", .string(customer)), ("year", .integer(Int64(year)))]
        case .tierChanged(let change):
            [("customer_id", .string(change.customerID)), ("from", change.from.map(JSONValue.string) ?? .null),
             ("to", change.to.map(JSONValue.string) ?? .null), ("upgrade", .bool(change.isUpgrade)),
             ("reason", .string(change.reason))]
        }
    }
}

private func attributesJSON(_ attributes: [String: AttributeValue]) -> JSONValue {
    .object(attributes.keys.sorted().map { key in
        let value: JSONValue =
            switch attributes[key] {
            case .string(let s): .string(s)
            case .integer(let i): .integer(i)
            case .number(let n): .number(n)
            case .boolean(let b): .bool(b)
            case nil: .null
            }
        return (key, value)
    })
}

extension CustomerProfile {
    fileprivate var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id))]
        if let email { members.append(("email", .string(email))) }
        if let name { members.append(("name", .string(name))) }
        if let birthday { members.append(("birthday", .string(birthday.iso))) }
        if let referredBy { members.append(("referred_by", .string(referredBy))) }
        if let tags { members.append(("tags", .array(tags.map(JSONValue.string)))) }
        if let attributes { members.append(("attributes", attributesJSON(attributes))) }
        return .object(members)
    }
}

extension Order {
    fileprivate var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)), ("customer_id", .string(customerID)), ("currency", .string(currency.code)),
        ]
        if let channel { members.append(("channel", .string(channel))) }
        members.append(("lines", .array(lines.map { line in
            var fields: [(String, JSONValue)] = [("sku", .string(line.sku))]
            if let category = line.category { fields.append(("category", .string(category))) }
            fields += [("quantity", .integer(line.quantity)), ("unit_price", .string(line.unitPrice.formatted))]
            return .object(fields)
        })))
        members += [
            ("shipping", .string(shipping.formatted)), ("tax", .string(tax.formatted)), ("discount", .string(discount.formatted)),
            ("gift_card", .string(giftCard.formatted)), ("points_redeemed", .integer(pointsRedeemed.value)),
            ("points_discount", .string(pointsDiscount.formatted)), ("total", .string(total.formatted)),
        ]
        return .object(members)
    }
}

extension LineQuantity {
    fileprivate var json: JSONValue { .object([("sku", .string(sku)), ("quantity", .integer(quantity))]) }
}

extension SubscriptionInterval {
    fileprivate var json: JSONValue { .object([("count", .integer(Int64(count))), ("unit", .string(unit.rawValue))]) }
}

extension SubscriptionBundle {
    fileprivate var jsonMembers: [(String, JSONValue)] {
        [("currency", .string(currency.code)),
         ("items", .array(items.map {
             .object([("sku", .string($0.sku)), ("quantity", .integer($0.quantity)), ("unit_price", .string($0.unitPrice.formatted))])
         })),
         ("bundle_discount_percent", .integer(Int64(discountPercent)))]
    }
}

extension SubscriptionChange {
    fileprivate var jsonMembers: [(String, JSONValue)] {
        switch self {
        case .renewed(let orderID): [("order_id", .string(orderID))]
        case .paused(let until): until.map { [("until", .string($0.iso))] } ?? []
        case .resumed, .skipped, .paymentFailed: []
        case .swapped(let bundle, let plan): bundle.jsonMembers + (plan.map { [("plan", .string($0))] } ?? [])
        case .intervalChanged(let interval): [("interval", interval.json)]
        case .cancelled(let reason, let voluntary): [("reason", .string(reason)), ("voluntary", .bool(voluntary))]
        }
    }
}
