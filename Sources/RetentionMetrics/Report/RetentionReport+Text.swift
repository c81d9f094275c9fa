import RetentionKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RetentionReport {
    /// The report as plain-text tables for a terminal.
    public var text: String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        line("Retention report, \(currency.code), \(from.iso) to \(options.to.iso) (orders after it are not seen)")
        for note in scope { line(note.prefix(1).uppercased() + note.dropFirst()) }
        let outside = options.cut == nil ? "" : ", outside the cut \(hygiene.outsideCut)"
        line("Orders: \(hygiene.ordersCounted) counted of \(hygiene.ordersGiven) (cancelled \(hygiene.cancelled), refunded in full \(hygiene.fullyRefunded), zero value \(hygiene.zeroValue), test \(hygiene.testOrders), other currencies \(hygiene.otherCurrency)\(outside))")
        line()
        line("Purchase behaviour")
        line("  customers \(behaviour.customers), orders \(behaviour.orders), revenue \(money(behaviour.revenue))")
        line("  average order value \(behaviour.averageOrderValue.map { money(Int64($0.rounded())) } ?? "-"), purchase frequency \(Self.fixed(behaviour.purchaseFrequency, 2))")
        line("  repeat purchase rate \(Self.percent(behaviour.repeatPurchaseRate)), average days between orders \(Self.fixed(behaviour.averageDaysBetweenOrders, 1))")
        line("  second purchase within \(secondPurchase.withinDays) days: \(Self.percent(secondPurchase.rate)) (\(secondPurchase.returned) of \(secondPurchase.eligible))")
        line()
        line("Retention by \(options.period.rawValue)")
        line(Self.row(["period", "S", "N", "E", "CRR", "churn", "rev. churn", "NRR"], widths: [23, 7, 7, 7, 8, 8, 11, 8]))
        for (rate, revenue) in zip(retention, revenueRetention) {
            line(Self.row([
                "\(rate.start.iso)…\(rate.end.iso)", "\(rate.customersAtStart)", "\(rate.acquired)", "\(rate.customersAtEnd)",
                Self.percent(rate.rate), Self.percent(rate.churn), Self.percent(revenue.revenueChurn), Self.percent(revenue.netRevenueRetention),
            ], widths: [23, 7, 7, 7, 8, 8, 11, 8]))
        }
        line()
        line("Cohorts by \(cohorts.period.rawValue): % of each cohort buying in each \(cohorts.period.rawValue) since its first order")
        let columns = min(13, cohorts.cohorts.map(\.active.count).max() ?? 0)
        line(Self.row(["cohort", "size"] + (0..<columns).map { "+\($0)" }, widths: [11, 6] + Array(repeating: 5, count: columns)))
        for cohort in cohorts.cohorts {
            let cells = cohort.retention.prefix(columns).map { String(Int($0.rounded())) }
            line(Self.row([cohort.start.iso, "\(cohort.size)"] + cells, widths: [11, 6] + Array(repeating: 5, count: cells.count)))
        }
        line()
        line("RFM segments on \(options.to.iso)")
        for (segment, customers) in rfmSegments { line("  \(segment.rawValue.padding(20)) \(customers)") }
        line()
        line("Predictive customer value")
        if let predictive {
            let bg = predictive.purchases.parameters
            line("  BG/NBD (days): r \(Self.fixed(bg.r, 4)), α \(Self.fixed(bg.alpha, 4)), a \(Self.fixed(bg.a, 4)), b \(Self.fixed(bg.b, 4)); ln L \(Self.fixed(predictive.purchases.logLikelihood, 2)), \(predictive.purchases.convergence.converged ? "converged" : "NOT converged") in \(predictive.purchases.convergence.iterations) iterations")
            if let gg = predictive.spend {
                line("  Gamma-Gamma (\(currency.code)): p \(Self.fixed(gg.parameters.p, 4)), q \(Self.fixed(gg.parameters.q, 4)), v \(Self.fixed(gg.parameters.v, 4)); ln L \(Self.fixed(gg.logLikelihood, 2)), \(gg.customers) repeat buyers")
            }
            line("  expected purchases in \(Self.fixed(options.forecast.purchaseHorizon, 0)) days: \(Self.fixed(predictive.expectedPurchases, 1)) from \(predictive.customers) customers")
            line("  P(alive) by tenths: \(predictive.aliveBands.map(String.init).joined(separator: " "))")
            if let value = predictive.value {
                line("  expected value over \(options.forecast.valueHorizonPeriods) × \(options.forecast.periodDays) days at \(Self.fixed(options.forecast.discountRate * 100, 1))% a period: total \(Self.fixed(value.total, 2)), mean \(Self.fixed(value.mean, 2)), median \(Self.fixed(value.median, 2)), 90th percentile \(Self.fixed(value.p90, 2)), max \(Self.fixed(value.max, 2)) \(currency.code)")
            }
        }
        if let predictiveNote { line("  \(predictiveNote)") }
        line()
        if let loyalty {
            let flows = loyalty.flows
            line("Loyalty points")
            line("  earned \(flows.earned), redeemed \(flows.redeemed), expired \(flows.expired), reversed \(flows.reversed), adjusted +\(flows.adjustedUp) −\(flows.adjustedDown)")
            line("  breakage \(Self.percent(loyalty.breakageRate)), redemption rate \(Self.percent(loyalty.redemptionRate))")
            line("  held on \(options.to.iso): \(loyalty.held.available) available, \(loyalty.held.pending) pending" + (options.pointValue == nil ? " (give a point value for the liability)" : ", liability \(loyalty.liability.formatted) \(currency.code)"))
            line()
        }
        line("Loyalty members and everybody else, \(membershipFrom.iso) to \(options.to.iso)")
        line(Self.row(["group", "customers", "repeat rate", "churn"], widths: [12, 10, 12, 8]))
        for (name, group) in [("members", membership.members), ("others", membership.nonMembers)] {
            line(Self.row([name, "\(group.customers)", Self.percent(group.behaviour.repeatPurchaseRate), Self.percent(group.retention.churn)],
                          widths: [12, 10, 12, 8]))
        }
        line()
        line("Satisfaction, \(from.iso) to \(options.to.iso)")
        if satisfaction.npsAnswers + satisfaction.csatAnswers + satisfaction.tickets == 0 {
            line("  no survey answers or support tickets")
        } else {
            let widths = [12, 8, 8, 8, 8, 8, 8]
            line(Self.row(["touchpoint", "NPS", "answers", "CSAT", "answers", "FCR", "tickets"], widths: widths))
            for (name, figures) in [("all", satisfaction)] + satisfactionByTouchpoint.map({ ($0.touchpoint, $0.figures) }) {
                line(Self.row([
                    name, Self.fixed(figures.netPromoterScore, 1), "\(figures.npsAnswers)", Self.percent(figures.customerSatisfaction),
                    "\(figures.csatAnswers)", Self.percent(figures.firstContactResolution), "\(figures.tickets)",
                ], widths: widths))
            }
        }
        line()
        line("Campaigns: contacted against held out, 30 days after the action")
        if campaignLift.isEmpty {
            line("  no campaign actions whose 30 days have passed")
        } else {
            let widths = [22, 9, 10, 9, 10, 11, 10]
            line(Self.row(["campaign", "treated", "converted", "control", "converted", "conv. lift", "churn lift"], widths: widths))
            for lift in campaignLift {
                line(Self.row([
                    lift.campaign, "\(lift.treated.customers)", Self.percent(lift.treated.conversionRate), "\(lift.control.customers)",
                    Self.percent(lift.control.conversionRate), Self.fixed(lift.conversionLift, 1), Self.fixed(lift.churnLift, 1),
                ], widths: widths))
            }
        }
        line()
        line("Tiers")
        for (tier, customers) in tiers { line("  \((tier ?? "(none)").padding(20)) \(customers)") }
        return out
    }

    private func money(_ minorUnits: Int64) -> String { Money(minorUnits: minorUnits, currency: currency).formatted }

    private static func percent(_ value: Double?) -> String { value.map { fixed($0, 1) + "%" } ?? "-" }

    private static func fixed(_ value: Double?, _ decimals: Int) -> String {
        guard let value, value.isFinite else { return "-" }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(decimals)f", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Cells right-aligned in their widths, the first left-aligned.
    private static func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).enumerated().map { index, pair in
            let (cell, width) = pair
            let pad = String(repeating: " ", count: max(0, width - cell.count))
            return index == 0 ? cell + pad : pad + cell
        }.joined(separator: " ")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
