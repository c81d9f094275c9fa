import RetentionKit

/// A customer who got a campaign action, or was held out of it (the control group).
public struct CampaignExposure: Hashable, Sendable {
    /// The customer.
    public var customerID: String
    /// The campaign.
    public var campaign: String
    /// The day of the action.
    public var day: Day
    /// True for the control group: recorded, not contacted.
    public var heldOut: Bool

    public init(customerID: String, campaign: String, day: Day, heldOut: Bool) {
        self.customerID = customerID
        self.campaign = campaign
        self.day = day
        self.heldOut = heldOut
    }

    /// The actions sent and held out in a store's customers' campaign histories.
    public static func exposures(of customers: [StoredCustomer]) -> [CampaignExposure] {
        customers.filter { $0.mergedInto == nil }.flatMap { customer in
            customer.campaigns.filter(\.counts).map {
                CampaignExposure(customerID: customer.profile.id, campaign: $0.campaign, day: $0.day, heldOut: $0.outcome == .heldOut)
            }
        }
    }
}

/// Whether a campaign works: customers contacted against customers held out, over the same
/// window after the action.
///
/// With 200 contacted customers of whom 50 ordered within 30 days (25%) and 50 held out of whom
/// 8 did (16%), the campaign's conversion lift is 9 percentage points.
public struct CampaignLift: Hashable, Sendable {
    /// One group's figures.
    public struct Group: Hashable, Sendable {
        /// Customers whose window had ended by the observation end.
        public var customers: Int
        /// Those who placed a counted order within the window after the action.
        public var converted: Int
        /// Those who were no longer customers (by the history's customer definition) when the
        /// window ended.
        public var churned: Int

        /// converted ÷ customers × 100 (nil without customers).
        public var conversionRate: Double? { customers == 0 ? nil : Double(converted) / Double(customers) * 100 }
        /// churned ÷ customers × 100 (nil without customers).
        public var churnRate: Double? { customers == 0 ? nil : Double(churned) / Double(customers) * 100 }
    }

    /// The campaign.
    public var campaign: String
    /// Days after the action that count.
    public var windowDays: Int
    /// Customers contacted.
    public var treated: Group
    /// Customers held out.
    public var control: Group

    /// Treated conversion − control conversion, in percentage points (nil when a group is empty).
    public var conversionLift: Double? { treated.conversionRate.flatMap { t in control.conversionRate.map { t - $0 } } }
    /// Treated churn − control churn, in percentage points: negative when the campaign kept customers.
    public var churnLift: Double? { treated.churnRate.flatMap { t in control.churnRate.map { t - $0 } } }
}

extension OrderHistory {
    /// The lift of each campaign in `exposures`: each customer's first exposure to a campaign
    /// counts, when its `windowDays` window ended by `observationEnd`.
    public func campaignLift(
        _ exposures: [CampaignExposure], windowDays: Int = 30, observationEnd: Day, counting definition: CustomerDefinition = .standard
    ) throws(MetricsError) -> [CampaignLift] {
        try validate(definition)
        guard windowDays >= 1 else {
            throw MetricsError(.badArgument, "a lift window of \(windowDays) days sees no order; give at least 1 day")
        }
        var index: [String: Int] = [:]
        for (position, id) in customerIDs.enumerated() { index[id] = position }
        var first: [String: [String: CampaignExposure]] = [:]
        for exposure in exposures {
            if let earlier = first[exposure.campaign]?[exposure.customerID], earlier.day <= exposure.day { continue }
            first[exposure.campaign, default: [:]][exposure.customerID] = exposure
        }
        return first.keys.sorted().map { campaign in
            var treated = CampaignLift.Group(customers: 0, converted: 0, churned: 0)
            var control = treated
            for exposure in (first[campaign] ?? [:]).values {
                let end = exposure.day + windowDays
                guard end <= observationEnd else { continue }
                let customer = index[exposure.customerID]
                let converted = customer.map { c in
                    orders(of: c).contains { orderDay[$0] > exposure.day.number && orderDay[$0] <= end.number }
                } ?? false
                let churned = !(customer.map { isCustomer($0, on: end.number, definition) } ?? false)
                if exposure.heldOut {
                    control.customers += 1
                    if converted { control.converted += 1 }
                    if churned { control.churned += 1 }
                } else {
                    treated.customers += 1
                    if converted { treated.converted += 1 }
                    if churned { treated.churned += 1 }
                }
            }
            return CampaignLift(campaign: campaign, windowDays: windowDays, treated: treated, control: control)
        }
    }
}
