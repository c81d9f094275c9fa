import RetentionKit

extension RetentionReport {
    /// The report as JSON: money as decimal strings with the currency, rates as percentages
    /// (null where a rate has no denominator), days as ISO dates, the model parameters with
    /// their time unit and log-likelihood.
    public var json: JSONValue {
        .object([
            ("currency", .string(currency.code)),
            ("from", .string(from.iso)),
            ("to", .string(options.to.iso)),
            ("period", .string(options.period.rawValue)),
            ("cut", options.cut.map(Self.cutJSON) ?? .null),
            ("hygiene_rules_off", .array(rules.switchedOff.map { .string($0) })),
            ("orders", hygieneJSON),
            ("behaviour", behaviourJSON),
            ("retention", .array(zip(retention, revenueRetention).map { rate, revenue in
                .object([
                    ("start", .string(rate.start.iso)), ("end", .string(rate.end.iso)),
                    ("customers_at_start", .integer(Int64(rate.customersAtStart))), ("acquired", .integer(Int64(rate.acquired))),
                    ("customers_at_end", .integer(Int64(rate.customersAtEnd))),
                    ("retention_rate", Self.number(rate.rate)), ("churn_rate", Self.number(rate.churn)),
                    ("revenue_churn", Self.number(revenue.revenueChurn)),
                    ("net_revenue_retention", Self.number(revenue.netRevenueRetention)),
                ])
            })),
            ("cohorts", cohortsJSON),
            ("rfm_segments", .object(rfmSegments.map { ($0.segment.rawValue, .integer(Int64($0.customers))) })),
            ("predictive", predictiveJSON),
            ("loyalty", loyaltyJSON),
            ("members", .object([
                ("from", .string(membershipFrom.iso)), ("members", groupJSON(membership.members)),
                ("non_members", groupJSON(membership.nonMembers)),
            ])),
            ("satisfaction", .object([
                ("all", satisfactionJSON(satisfaction)),
                ("by_period", .array(satisfactionByPeriod.map {
                    .object([("start", .string($0.start.iso)), ("end", .string($0.end.iso)), ("figures", satisfactionJSON($0.figures))])
                })),
                ("by_touchpoint", .object(satisfactionByTouchpoint.map { ($0.touchpoint, satisfactionJSON($0.figures)) })),
            ])),
            ("campaigns", .array(campaignLift.map { lift in
                .object([
                    ("campaign", .string(lift.campaign)), ("window_days", .integer(Int64(lift.windowDays))),
                    ("treated", liftGroupJSON(lift.treated)), ("control", liftGroupJSON(lift.control)),
                    ("conversion_lift", Self.number(lift.conversionLift)), ("churn_lift", Self.number(lift.churnLift)),
                ])
            })),
            ("tiers", .array(tiers.map {
                .object([("tier", $0.tier.map(JSONValue.string) ?? .null), ("customers", .integer(Int64($0.customers)))])
            })),
        ])
    }

    private var hygieneJSON: JSONValue {
        .object([
            ("given", .integer(Int64(hygiene.ordersGiven))), ("counted", .integer(Int64(hygiene.ordersCounted))),
            ("cancelled", .integer(Int64(hygiene.cancelled))), ("fully_refunded", .integer(Int64(hygiene.fullyRefunded))),
            ("zero_value", .integer(Int64(hygiene.zeroValue))), ("test", .integer(Int64(hygiene.testOrders))),
            ("other_currency", .integer(Int64(hygiene.otherCurrency))), ("merged_profiles", .integer(Int64(hygiene.mergedProfiles))),
            ("outside_cut", .integer(Int64(hygiene.outsideCut))),
        ])
    }

    /// `{"kind": "segment", "name": "vip"}`, `{"kind": "tenure", "min_days": 0, "max_days": 90, "as_of": "2026-12-31"}`,
    /// `{"kind": "loyalty_members", "members": true}`.
    private static func cutJSON(_ cut: Cut) -> JSONValue {
        switch cut {
        case .segment(let name): .object([("kind", .string("segment")), ("name", .string(name))])
        case .channel(let name): .object([("kind", .string("channel")), ("name", .string(name))])
        case .category(let name): .object([("kind", .string("category")), ("name", .string(name))])
        case .tenure(let days, let asOf):
            .object([
                ("kind", .string("tenure")), ("min_days", .integer(Int64(days.lowerBound))),
                ("max_days", .integer(Int64(days.upperBound))), ("as_of", .string(asOf.iso)),
            ])
        case .loyaltyMembers(let members): .object([("kind", .string("loyalty_members")), ("members", .bool(members))])
        }
    }

    private var behaviourJSON: JSONValue {
        .object([
            ("customers", .integer(Int64(behaviour.customers))), ("orders", .integer(Int64(behaviour.orders))),
            ("revenue", money(behaviour.revenue)),
            ("average_order_value", behaviour.averageOrderValue.map { money(Int64($0.rounded())) } ?? .null),
            ("purchase_frequency", Self.number(behaviour.purchaseFrequency)),
            ("repeat_purchase_rate", Self.number(behaviour.repeatPurchaseRate)),
            ("average_days_between_orders", Self.number(behaviour.averageDaysBetweenOrders)),
            ("second_purchase_rate", .object([
                ("within_days", .integer(Int64(secondPurchase.withinDays))), ("eligible", .integer(Int64(secondPurchase.eligible))),
                ("returned", .integer(Int64(secondPurchase.returned))), ("rate", Self.number(secondPurchase.rate)),
            ])),
        ])
    }

    private var cohortsJSON: JSONValue {
        .object([
            ("period", .string(cohorts.period.rawValue)),
            ("cohorts", .array(cohorts.cohorts.map { cohort in
                .object([
                    ("start", .string(cohort.start.iso)), ("size", .integer(Int64(cohort.size))),
                    ("active", .array(cohort.active.map { .integer(Int64($0)) })),
                    ("retention", .array(cohort.retention.map { .number($0) })),
                    ("revenue", .array(cohort.revenue.map { money($0) })),
                ])
            })),
        ])
    }

    private var predictiveJSON: JSONValue {
        guard let predictive else { return .object([("note", predictiveNote.map(JSONValue.string) ?? .null)]) }
        let bg = predictive.purchases
        var members: [(String, JSONValue)] = [
            ("bg_nbd", .object([
                ("r", .number(bg.parameters.r)), ("alpha", .number(bg.parameters.alpha)), ("a", .number(bg.parameters.a)),
                ("b", .number(bg.parameters.b)), ("time_unit", .string(bg.parameters.unit.rawValue)),
                ("log_likelihood", .number(bg.logLikelihood)), ("penalty", .number(predictive.penalty)),
                ("customers", .integer(Int64(bg.customers))),
                ("converged", .bool(bg.convergence.converged)), ("iterations", .integer(Int64(bg.convergence.iterations))),
            ])),
        ]
        if let gg = predictive.spend {
            members.append(("gamma_gamma", .object([
                ("p", .number(gg.parameters.p)), ("q", .number(gg.parameters.q)), ("v", .number(gg.parameters.v)),
                ("currency", .string(currency.code)), ("log_likelihood", .number(gg.logLikelihood)),
                ("customers", .integer(Int64(gg.customers))), ("converged", .bool(gg.convergence.converged)),
                ("iterations", .integer(Int64(gg.convergence.iterations))),
            ])))
        }
        members.append(("customers", .integer(Int64(predictive.customers))))
        members.append(("purchase_horizon_days", .number(options.forecast.purchaseHorizon)))
        members.append(("expected_purchases", .number(predictive.expectedPurchases)))
        members.append(("p_alive_bands", .array(predictive.aliveBands.map { .integer(Int64($0)) })))
        if let value = predictive.value {
            members.append(("expected_value", .object([
                ("periods", .integer(Int64(options.forecast.valueHorizonPeriods))),
                ("period_days", .integer(Int64(options.forecast.periodDays))),
                ("discount_rate", .number(options.forecast.discountRate)),
                ("total", .number(value.total)), ("mean", .number(value.mean)), ("median", .number(value.median)),
                ("p90", .number(value.p90)), ("p99", .number(value.p99)), ("max", .number(value.max)),
                ("bands", .array(value.bands.map { .integer(Int64($0)) })),
            ])))
        }
        if let predictiveNote { members.append(("note", .string(predictiveNote))) }
        return .object(members)
    }

    private var loyaltyJSON: JSONValue {
        guard let loyalty else { return .null }
        let flows = loyalty.flows
        return .object([
            ("earned", .integer(flows.earned)), ("redeemed", .integer(flows.redeemed)), ("expired", .integer(flows.expired)),
            ("reversed", .integer(flows.reversed)), ("adjusted_up", .integer(flows.adjustedUp)),
            ("adjusted_down", .integer(flows.adjustedDown)),
            ("breakage_rate", Self.number(loyalty.breakageRate)), ("redemption_rate", Self.number(loyalty.redemptionRate)),
            ("available", .integer(loyalty.held.available)), ("pending", .integer(loyalty.held.pending)),
            ("liability", options.pointValue == nil ? .null : .string(loyalty.liability.formatted)),
            ("by_period", .array(liability.map {
                .object([
                    ("day", .string($0.day.iso)), ("available", .integer($0.available)), ("pending", .integer($0.pending)),
                    ("liability", options.pointValue == nil ? .null : .string($0.worth.formatted)),
                ])
            })),
        ])
    }

    private func groupJSON(_ group: MembershipComparison.GroupFigures) -> JSONValue {
        .object([
            ("customers", .integer(Int64(group.customers))),
            ("repeat_purchase_rate", Self.number(group.behaviour.repeatPurchaseRate)),
            ("churn_rate", Self.number(group.retention.churn)),
            ("average_order_value", group.behaviour.averageOrderValue.map { money(Int64($0.rounded())) } ?? .null),
        ])
    }

    private func liftGroupJSON(_ group: CampaignLift.Group) -> JSONValue {
        .object([
            ("customers", .integer(Int64(group.customers))), ("converted", .integer(Int64(group.converted))),
            ("churned", .integer(Int64(group.churned))), ("conversion_rate", Self.number(group.conversionRate)),
            ("churn_rate", Self.number(group.churnRate)),
        ])
    }

    private func satisfactionJSON(_ figures: SatisfactionMetrics) -> JSONValue {
        .object([
            ("nps_answers", .integer(Int64(figures.npsAnswers))), ("nps", Self.number(figures.netPromoterScore)),
            ("csat_answers", .integer(Int64(figures.csatAnswers))), ("csat", Self.number(figures.customerSatisfaction)),
            ("tickets", .integer(Int64(figures.tickets))), ("first_contact_resolution", Self.number(figures.firstContactResolution)),
        ])
    }

    private func money(_ minorUnits: Int64) -> JSONValue { .string(Money(minorUnits: minorUnits, currency: currency).formatted) }

    private static func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
}
