import RetentionKit
import RetentionMetrics
import Testing

@Suite("Campaign lift: contacted against held out")
struct CampaignLiftTests {
    @Test("The documented example: 25% of 200 contacted and 16% of 50 held out ordered within 30 days: 9 points of lift")
    func workedExample() throws {
        var orders: [OrderRecord] = []
        var exposures: [CampaignExposure] = []
        for index in 0..<250 {
            let id = "c\(index)"
            let heldOut = index >= 200
            orders.append(order("first-\(id)", id, "2026-01-05", 2_000))
            exposures.append(CampaignExposure(customerID: id, campaign: "win_back", day: day("2026-03-01"), heldOut: heldOut))
            // A later exposure to the same campaign does not count again.
            exposures.append(CampaignExposure(customerID: id, campaign: "win_back", day: day("2026-03-20"), heldOut: heldOut))
            let converts = heldOut ? index < 208 : index < 50
            if converts { orders.append(order("again-\(id)", id, "2026-03-31", 2_000)) }   // day 30: inside
        }
        // An order on the action's own day, or on day 31, is not a response.
        orders.append(order("same-day", "c199", "2026-03-01", 1_000))
        orders.append(order("late", "c198", "2026-04-01", 1_000))
        // An action whose window has not ended by the observation end is left out.
        exposures.append(CampaignExposure(customerID: "c0", campaign: "thank_you", day: day("2026-03-15"), heldOut: false))
        let history = try OrderHistory(orders: orders, currency: .usd)
        let lifts = try history.campaignLift(exposures, windowDays: 30, observationEnd: day("2026-04-10"))
        #expect(lifts.map(\.campaign) == ["thank_you", "win_back"])
        #expect(lifts[0].treated.customers == 0)
        let winBack = lifts[1]
        #expect(winBack.treated.customers == 200 && winBack.treated.converted == 50)
        #expect(winBack.control.customers == 50 && winBack.control.converted == 8)
        #expect(winBack.treated.conversionRate == 25 && winBack.control.conversionRate == 16)
        #expect(abs((winBack.conversionLift ?? 0) - 9) < 1e-9)
        // Nobody churned within 365 days of January orders.
        #expect(winBack.churnLift == 0)
        // With a 60-day customer window, those who did not order after January had lapsed by
        // 03-31, except c199, whose order on the action's day keeps them (without converting them).
        let short = try history.campaignLift(exposures, windowDays: 30, observationEnd: day("2026-04-10"), counting: .activeWindow(days: 60))
        #expect(short[1].treated.churned == 149 && short[1].control.churned == 42)
        #expect(abs((short[1].churnLift ?? 0) - (74.5 - 84)) < 1e-9)
        #expect(throws: MetricsError.self) { try history.campaignLift(exposures, windowDays: 0, observationEnd: day("2026-04-10")) }
    }
}
