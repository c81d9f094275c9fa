import RetentionKit

extension RetentionReport {
    /// The report as one self-contained HTML page: key figures, then charts (cohort retention
    /// heat map, retention and churn by period, value and P(alive) distributions, RFM segments,
    /// tiers, points liability over time, NPS and CSAT trend, campaign lift) drawn as inline SVG,
    /// with no script and no external asset. Each chart is a `<figure data-chart="…">`; a chart
    /// with nothing to draw (no survey answers, no campaign) is left out and named at the foot.
    public var html: String {
        var figures: [(id: String, title: String, note: String, body: String)] = []
        let percent: (Double) -> String = { "\(Int($0.rounded()))%" }
        let count: (Double) -> String = { "\(Int($0.rounded()))" }

        let columns = min(13, cohorts.cohorts.map(\.active.count).max() ?? 0)
        figures.append((
            "cohorts", "Cohort retention", "% of each \(cohorts.period.rawValue)'s new customers who bought again n \(cohorts.period.rawValue)s later",
            SVGChart.heatmap(
                rows: cohorts.cohorts.map { String($0.start.iso.prefix(cohorts.period == .week ? 10 : 7)) },
                columns: (0..<columns).map { "+\($0)" },
                cells: cohorts.cohorts.map { cohort in (0..<columns).map { $0 < cohort.retention.count ? cohort.retention[$0] : nil } })))
        let periodLabels = retention.map { Self.periodLabel($0.start, options.period) }
        figures.append((
            "retention", "Retention and churn by \(options.period.rawValue)", "CRR = (E − N) ÷ S × 100; churn = 100 − CRR",
            SVGChart.lines(
                labels: periodLabels,
                series: [("retention", retention.map(\.rate)), ("churn", retention.map(\.churn))], range: nil, format: percent)))
        if let predictive, let value = predictive.value {
            let step = value.max / 10
            figures.append((
                "clv", "Predicted customer value", "customers by expected value over \(options.forecast.valueHorizonPeriods) periods of \(options.forecast.periodDays) days, \(currency.code)",
                SVGChart.bars(
                    value.bands.enumerated().map { (Self.money(step * Double($0.offset)) + "–", Double($0.element)) }, format: count)))
        }
        if let predictive {
            figures.append((
                "alive", "P(alive)", "customers by the probability they are still buying (BG/NBD)",
                SVGChart.bars(predictive.aliveBands.enumerated().map { ("\($0.offset * 10)–\($0.offset * 10 + 10)%", Double($0.element)) }, format: count,
                              color: SVGChart.palette[2])))
        }
        figures.append((
            "rfm", "RFM segments", "customers per segment on \(options.to.iso)",
            SVGChart.horizontalBars(rfmSegments.map { ($0.segment.rawValue.replacingUnderscores, Double($0.customers)) }, format: count)))
        figures.append((
            "tiers", "Tiers", "customers per tier held",
            SVGChart.horizontalBars(tiers.map { ($0.tier ?? "no tier", Double($0.customers)) }, format: count)))
        if loyalty != nil {
            let labels = liability.map { Self.periodLabel($0.day, options.period) }
            let perMajor = Double(currency.minorUnitsPerMajor)
            figures.append(
                options.pointValue == nil
                    ? ("liability", "Points held", "available and pending points at the end of each \(options.period.rawValue)",
                       SVGChart.lines(
                           labels: labels,
                           series: [("available", liability.map { Double($0.available) }), ("pending", liability.map { Double($0.pending) })],
                           format: count))
                    : ("liability", "Points liability", "what the points held are worth at the end of each \(options.period.rawValue), \(currency.code)",
                       SVGChart.lines(
                           labels: labels, series: [("liability", liability.map { Double($0.worth.minorUnits) / perMajor })],
                           format: { Self.money($0) })))
        }
        figures.append((
            "satisfaction", "NPS and CSAT", "NPS (−100 to 100) and CSAT (% satisfied) per \(options.period.rawValue)",
            SVGChart.lines(
                labels: satisfactionByPeriod.map { Self.periodLabel($0.start, options.period) },
                series: [("NPS", satisfactionByPeriod.map(\.figures.netPromoterScore)),
                         ("CSAT", satisfactionByPeriod.map(\.figures.customerSatisfaction))],
                range: -100...100, format: count)))
        if !campaignLift.isEmpty {
            figures.append((
                "lift", "Campaign lift", "customers who ordered within 30 days of the action: contacted against held out",
                SVGChart.groupedBars(
                    labels: campaignLift.map { $0.campaign.replacingUnderscores },
                    series: [("contacted", campaignLift.map(\.treated.conversionRate)), ("held out", campaignLift.map(\.control.conversionRate))],
                    format: percent)))
        }

        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Retention report \(from.iso) to \(options.to.iso)</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f5f6f8; color: #222; }
            header { background: #1f3b5c; color: #fff; padding: 20px 32px; }
            header h1 { margin: 0 0 4px; font-size: 22px; }
            header p { margin: 0; opacity: 0.8; }
            .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; padding: 20px 32px 0; }
            .tile { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
            .tile b { display: block; font-size: 20px; margin-top: 4px; }
            .tile span { font-size: 12px; color: #666; }
            main { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; padding: 20px 32px 32px; }
            figure { background: #fff; margin: 0; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
            figure h2 { font-size: 16px; margin: 0 0 2px; }
            figcaption { font-size: 12px; color: #666; margin-bottom: 8px; }
            .empty { color: #888; font-style: italic; }
            footer { padding: 0 32px 32px; }
            svg text { font-family: inherit; }
            </style></head><body>
            <header><h1>Retention report</h1><p>\(SVGChart.escape((["\(currency.code)", "\(from.iso) to \(options.to.iso)", "orders after it are not seen"] + scope).joined(separator: " · ")))</p></header>
            <section class="tiles">
            """
        for (label, value) in tiles {
            page += "<div class=\"tile\"><span>\(SVGChart.escape(label))</span><b>\(SVGChart.escape(value))</b></div>"
        }
        page += "</section><main>"
        // A chart with nothing to draw is left out and named below, never shown empty.
        var notShown: [String] = []
        for figure in figures {
            guard figure.body.hasPrefix("<svg") else {
                notShown.append(figure.title)
                continue
            }
            page += "<figure data-chart=\"\(figure.id)\"><h2>\(SVGChart.escape(figure.title))</h2><figcaption>\(SVGChart.escape(figure.note))</figcaption>\(figure.body)</figure>"
        }
        page += "</main>"
        if !notShown.isEmpty {
            page += "<footer class=\"empty\">Not shown, for want of data in the period: \(SVGChart.escape(notShown.joined(separator: ", "))).</footer>"
        }
        page += "</body></html>\n"
        return page
    }

    /// The key figures at the top of the page.
    private var tiles: [(String, String)] {
        var tiles: [(String, String)] = [
            ("Customers", "\(behaviour.customers)"), ("Orders", "\(hygiene.ordersCounted)"),
            ("Revenue", Money(minorUnits: behaviour.revenue, currency: currency).formatted + " " + currency.code),
            ("Average order", behaviour.averageOrderValue.map { Money(minorUnits: Int64($0.rounded()), currency: currency).formatted } ?? "–"),
            ("Repeat purchase rate", behaviour.repeatPurchaseRate.map { "\(Self.oneDecimal($0))%" } ?? "–"),
            ("Latest churn", retention.last?.churn.map { "\(Self.oneDecimal($0))%" } ?? "–"),
        ]
        if let nps = satisfaction.netPromoterScore { tiles.append(("NPS", Self.oneDecimal(nps))) }
        if let loyalty {
            tiles.append(("Points held", "\(loyalty.outstanding)"))
            if options.pointValue != nil { tiles.append(("Points liability", loyalty.liability.formatted + " " + currency.code)) }
            if let breakage = loyalty.breakageRate { tiles.append(("Breakage", "\(Self.oneDecimal(breakage))%")) }
        }
        if let value = predictive?.value { tiles.append(("Predicted value", Self.money(value.total) + " " + currency.code)) }
        return tiles
    }

    private static func periodLabel(_ day: Day, _ period: CalendarPeriod) -> String {
        let (year, month, _) = day.civil
        switch period {
        case .week: return day.iso
        case .month: return day.iso.prefix(7).description
        case .quarter: return "\(year) Q\((month - 1) / 3 + 1)"
        case .year: return "\(year)"
        }
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    private static func money(_ value: Double) -> String {
        value >= 10_000 ? "\(Int((value / 1_000).rounded()))k" : "\(Int(value.rounded()))"
    }
}

extension String {
    fileprivate var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
