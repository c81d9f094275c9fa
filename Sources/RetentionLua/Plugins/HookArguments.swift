import RetentionKit

// The tables plugin hooks receive: an event and a customer, in snake_case, money in integer
// minor units, dates as ISO strings with day numbers beside them for arithmetic. Every table is
// fresh for each call and protected (see LuaArgumentTables); Documentation/LuaPlugins.md and
// Plugins/types/retention.lua list the same fields.

extension LuaArguments {
    /// Appends `event` as a hook's `event` argument. Encoded from where the event lies: an
    /// argument value holding its own copy would retain every string and list in it.
    mutating func appendEvent(_ event: Event, program: Program) {
        EventArgument.encode(event, program: program, to: LuaValueEncoder(tape: tape))
        count += 1
    }

    /// Appends `view` as a hook's `customer` argument, encoded from where the view lies (see
    /// ``appendEvent(_:program:)``). `qualification` is the view's qualification window in
    /// words, when the caller has it already.
    mutating func appendCustomer(_ view: CustomerView, qualification: String?) {
        CustomerArgument.encode(view, qualification: qualification, to: LuaValueEncoder(tape: tape))
        count += 1
    }
}

/// An event as a hook's `event` argument. The program decides what an order line is eligible
/// to earn on (``EarningBase``), so plugins receive it ready as `line.eligible`.
enum EventArgument {
    static func encode(_ event: Event, program: Program, to encoder: LuaValueEncoder) {
        // Hooks read a few of its fields (the type, the order): each is made when first read.
        encoder.encodeTable(fieldsOnDemand: true) { table in
            table.set("id", event.id)
            table.set("type", event.type)
            table.set("at", event.at.iso)
            let day = event.at.day
            table.set("date", day)
            table.set("day", Int64(day.number))
            table.set("customer_id", event.customerID)
            encodePayload(of: event, program: program, into: &table)
        }
    }

    private static func encodePayload(of event: Event, program: Program, into table: inout LuaTableEncoder) {
        switch event.payload {
        case .customerCreated(let profile), .customerUpdated(let profile):
            table.setTable("profile") { fields in
                fields.set("id", profile.id)
                fields.set("email", profile.email)
                fields.set("name", profile.name)
                fields.set("birthday", profile.birthday)
                fields.set("referred_by", profile.referredBy)
                if let tags = profile.tags { fields.set("tags", tags) }
                if let attributes = profile.attributes { fields.set("attributes", AttributesArgument(attributes: attributes)) }
            }
        case .customersMerged(let survivorID, let mergedID):
            table.setTable("merge") { fields in
                fields.set("survivor_id", survivorID)
                fields.set("merged_id", mergedID)
            }
        case .orderPlaced(let order):
            let eligible = program.earningBase.eligibleAmounts(of: order)
            table.setTable("order") { fields in OrderArgument.encode(order, eligible: eligible, into: &fields) }
        case .orderPaid(let reference), .orderFulfilled(let reference), .orderCancelled(let reference):
            table.set("order_id", reference.orderID)
        case .orderRefunded(let refund):
            table.set("order_id", refund.orderID)
            table.setTable("refund") { fields in
                fields.set("amount", refund.amount.minorUnits)
                fields.set("currency", refund.amount.currency.code)
                if let lines = refund.lines { fields.set("lines", lines.map(LineQuantityArgument.init)) }
            }
        case .orderReturned(let returned):
            table.set("order_id", returned.orderID)
            if let lines = returned.lines {
                table.setTable("returned") { fields in fields.set("lines", lines.map(LineQuantityArgument.init)) }
            }
        case .reviewPosted(let review):
            table.setTable("review") { fields in
                fields.set("id", review.id)
                fields.set("sku", review.sku)
                fields.set("rating", review.rating)
                fields.set("has_media", review.hasMedia)
            }
        case .reviewRemoved(let reviewID, _):
            table.set("review_id", reviewID)
        case .referralCompleted(let referral):
            table.setTable("referral") { fields in
                fields.set("referrer_id", referral.referrerID)
                fields.set("referee_id", referral.refereeID)
                fields.set("order_id", referral.orderID)
            }
        case .pointsRedeemed(let redemption):
            table.setTable("redemption") { fields in
                fields.set("id", redemption.id)
                fields.set("points", redemption.points.value)
                fields.set("reward", redemption.reward)
            }
        case .pointsAdjusted(_, let points, let reason):
            table.setTable("adjustment") { fields in
                fields.set("points", points.value)
                fields.set("reason", reason)
            }
        case .custom(let custom):
            table.set("name", custom.name)
            table.set("attributes", AttributesArgument(attributes: custom.attributes))
        case .subscriptionStarted(let start):
            table.set("subscription_id", start.id)
        case .subscriptionChanged(let update):
            table.set("subscription_id", update.subscriptionID)
            switch update.change {
            case .renewed(let orderID): table.set("order_id", orderID)
            case .paused(let until):
                table.set("until", until)
                table.set("until_day", until.map { Int64($0.number) })
            case .cancelled(let reason, let voluntary):
                table.set("reason", reason)
                table.set("voluntary", voluntary)
            case .resumed, .skipped, .swapped, .intervalChanged, .paymentFailed:
                break
            }
        case .feedbackReceived(let answer):
            table.setTable("feedback") { fields in
                switch answer.score {
                case .nps(let n):
                    fields.set("kind", "nps")
                    fields.set("score", n)
                case .csat(let c):
                    fields.set("kind", "csat")
                    fields.set("score", c)
                }
                fields.set("touchpoint", answer.touchpoint)
                fields.set("order_id", answer.orderID)
                fields.set("sku", answer.sku)
            }
        case .supportTicketClosed(let ticket):
            table.setTable("ticket") { fields in
                fields.set("id", ticket.ticketID)
                fields.set("resolved", ticket.resolved)
                fields.set("contacts", ticket.contacts)
                fields.set("first_response_minutes", ticket.firstResponseMinutes)
            }
        case .deliveryDelayed(let delay):
            table.set("order_id", delay.orderID)
            table.set("delay_days", delay.days)
        case .clock:
            break
        case .birthday(_, let year):
            table.set("year", year)
        case .tierChanged(let change):
            table.setTable("tier_change") { fields in
                fields.set("from", change.from)
                fields.set("to", change.to)
                fields.set("upgrade", change.isUpgrade)
            }
        }
    }
}

/// An order's fields, with each line's and the whole order's eligible amount.
enum OrderArgument {
    static func encode(_ order: Order, eligible: [Int64], into table: inout LuaTableEncoder) {
        table.set("id", order.id)
        table.set("customer_id", order.customerID)
        table.set("currency", order.currency.code)
        table.set("decimals", order.currency.minorUnitDigits)
        table.set("channel", order.channel)
        table.setTable("lines") { lines in
            for (index, line) in order.lines.enumerated() {
                lines.appendTable { fields in
                    fields.set("sku", line.sku)
                    fields.set("category", line.category)
                    fields.set("quantity", line.quantity)
                    fields.set("unit_price", line.unitPrice.minorUnits)
                    fields.set("amount", line.amount.minorUnits)
                    fields.set("eligible", eligible[index])
                }
            }
        }
        table.set("subtotal", order.subtotal.minorUnits)
        table.set("shipping", order.shipping.minorUnits)
        table.set("tax", order.tax.minorUnits)
        table.set("discount", order.discount.minorUnits)
        table.set("gift_card", order.giftCard.minorUnits)
        table.set("points_redeemed", order.pointsRedeemed.value)
        table.set("points_discount", order.pointsDiscount.minorUnits)
        table.set("total", order.total.minorUnits)
        table.set("eligible", eligible.reduce(0, +))
    }
}

struct LineQuantityArgument: LuaEncodable {
    let line: LineQuantity
    init(_ line: LineQuantity) { self.line = line }

    func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable { fields in
            fields.set("sku", line.sku)
            fields.set("quantity", line.quantity)
        }
    }
}

struct AttributesArgument: LuaEncodable {
    let attributes: [String: AttributeValue]

    func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable { table in
            for (key, value) in attributes {
                switch value {
                case .string(let text): table.set(key: key, text)
                case .integer(let number): table.set(key: key, number)
                case .number(let number): table.set(key: key, number)
                case .boolean(let flag): table.set(key: key, flag)
                }
            }
        }
    }
}

/// Amounts by currency code: `{ USD = 12550 }`.
struct AmountsArgument: LuaEncodable {
    let amounts: [Currency: Int64]

    func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable { table in
            for (currency, amount) in amounts { table.set(key: currency.code, amount) }
        }
    }
}

/// A customer as a hook's `customer` argument: what the engine knows before the event (after
/// it, for triggers).
enum CustomerArgument {
    static func encode(_ view: CustomerView, qualification: String?, to encoder: LuaValueEncoder) {
        // Hooks read a few of its forty fields: they are made in Lua when first read, and found
        // by a scan from the front, so the fields segment and tier rules read most come first.
        encoder.encodeTable(fieldsOnDemand: true) { table in
            table.set("order_count", view.orderCount)
            table.set("days_since_last_order", view.daysSinceLastOrder)
            table.set("tier", view.tier)
            table.set("id", view.id)
            table.set("email", view.email)
            table.set("created_on", view.createdOn)
            table.set("created_day", Int64(view.createdOn.number))
            table.set("birthday", view.birthday)
            table.set("tags", view.tags)
            table.set("attributes", AttributesArgument(attributes: view.attributes))
            table.set("total_spent", AmountsArgument(amounts: view.totalSpent))
            table.set("qualification", qualification ?? view.qualification.description)
            // Amounts by currency code, read from the view without building its dictionary.
            table.setTable("qualifying_spend") { spend in
                view.forEachQualifyingSpend { currency, amount in spend.set(key: currency.code, amount) }
            }
            table.set("qualifying_order_count", view.qualifyingOrderCount)
            table.set("qualifying_points", view.qualifyingPoints.value)
            table.set("first_order_on", view.firstOrderDay)
            table.set("first_order_day", view.firstOrderDay.map { Int64($0.number) })
            table.set("last_order_on", view.lastOrderDay)
            table.set("last_order_day", view.lastOrderDay.map { Int64($0.number) })
            table.set("average_days_between_orders", view.averageDaysBetweenOrders)
            table.set("points_available", view.pointsAvailable.value)
            table.set("points_pending", view.pointsPending.value)
            table.set("lifetime_points", view.lifetimePoints.value)
            table.set("tier_since", view.tierSince)
            table.set("tier_since_day", view.tierSince.map { Int64($0.number) })
            table.set("tier_downgrade_on", view.tierDowngradeOn)
            if let progress = view.tierProgress {
                table.setTable("tier_progress") { fields in
                    fields.set("current", progress.current)
                    fields.set("next_tier", progress.nextTier)
                    fields.set("to_next_tier", progress.toNextTier)
                    fields.set("to_keep_tier", progress.toKeepTier)
                }
            }
            table.set("segments", view.segments)
            table.set("referral_count", view.referralCount)
            table.set("review_count", view.reviewCount)
            table.setTable("rewarded_review_skus") { set in
                for sku in view.rewardedReviewSKUs { set.set(key: sku, true) }
            }
            let subscriptions = view.subscriptions
            table.set("active_subscription_count", subscriptions.activeCount)
            table.set("subscription_tenure_days", subscriptions.tenureDays)
            table.set("consecutive_renewals", subscriptions.consecutiveRenewals)
            table.set("subscription_skips", subscriptions.recentSkips)
            table.set("subscription_status", subscriptions.status)
            table.set("satisfaction_score", view.satisfaction.score)
            table.set("satisfaction_flags", view.satisfaction.flags)
            table.setTable("subscriptions") { list in
                for subscription in subscriptions.all {
                    list.append(SubscriptionArgument(subscription: subscription))
                }
            }
        }
    }
}

/// One subscription, as `customer.subscriptions[i]`.
struct SubscriptionArgument: LuaEncodable {
    let subscription: Subscription

    func encode(to encoder: LuaValueEncoder) {
        encoder.encodeTable { table in
            table.set("id", subscription.id)
            table.set("plan", subscription.plan)
            table.set("status", subscription.status.name)
            table.set("interval_count", subscription.interval.count)
            table.set("interval_unit", subscription.interval.unit.rawValue)
            table.set("started_on", subscription.startedOn)
            table.set("started_day", Int64(subscription.startedOn.number))
            table.set("next_renewal_on", subscription.nextRenewal)
            table.set("renewals", subscription.renewals)
            table.set("consecutive_renewals", subscription.consecutiveRenewals)
            table.set("cycle_price", subscription.bundle.cyclePrice.minorUnits)
            table.set("currency", subscription.bundle.currency.code)
            table.setTable("items") { items in
                for item in subscription.bundle.items {
                    items.appendTable { fields in
                        fields.set("sku", item.sku)
                        fields.set("quantity", item.quantity)
                        fields.set("unit_price", item.unitPrice.minorUnits)
                    }
                }
            }
        }
    }
}
