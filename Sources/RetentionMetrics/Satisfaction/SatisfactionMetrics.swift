import RetentionKit

/// NPS, CSAT and first-contact resolution over a period.
///
/// - NPS = % promoters (9–10) − % detractors (0–6), from −100 to 100.
/// - CSAT = % of answers that are 4 or 5.
/// - First-contact resolution = tickets resolved with one contact ÷ tickets closed × 100.
///
/// ```swift
/// let figures = try SatisfactionMetrics(answers: answers, tickets: tickets, from: start, to: end)
/// figures.netPromoterScore     // 10 promoters, 3 passives, 7 detractors in 20 answers: 15.0
/// ```
public struct SatisfactionMetrics: Hashable, Sendable {
    public var npsAnswers = 0
    public var promoters = 0
    public var detractors = 0
    public var csatAnswers = 0
    public var satisfied = 0
    public var tickets = 0
    public var resolvedOnFirstContact = 0

    /// % promoters − % detractors (nil without NPS answers).
    public var netPromoterScore: Double? {
        npsAnswers == 0 ? nil : Double(promoters - detractors) / Double(npsAnswers) * 100
    }
    /// % of CSAT answers that are 4 or 5 (nil without answers).
    public var customerSatisfaction: Double? { csatAnswers == 0 ? nil : Double(satisfied) / Double(csatAnswers) * 100 }
    /// % of closed tickets resolved on the first contact (nil without tickets).
    public var firstContactResolution: Double? { tickets == 0 ? nil : Double(resolvedOnFirstContact) / Double(tickets) * 100 }

    /// Which answers and tickets to count, besides the period.
    public enum Filter: Hashable, Sendable {
        /// Answers given at this touchpoint (tickets count as the "support" touchpoint).
        case touchpoint(String)
        case category(String)
        case channel(String)
        /// Only these customers: the ids of an ``OrderHistory`` cut by segment or tenure.
        case customers(Set<String>)
    }

    /// Counts the answers and tickets of `from...to` (days included) that pass every filter.
    ///
    /// Throws for an NPS score outside 0–10, a CSAT score outside 1–5 or a ticket with fewer than
    /// one contact, naming the customer and day.
    public init(
        answers: [FeedbackAnswer], tickets: [SupportTicket] = [], from: Day, to: Day, filters: [Filter] = []
    ) throws(MetricsError) {
        guard from <= to else {
            throw MetricsError(.badArgument, "the period \(from.iso)…\(to.iso) ends before it starts; give the earlier day first")
        }
        for answer in answers {
            switch answer.score {
            case .nps(let score) where !(0...10).contains(score):
                throw MetricsError(.badArgument, "the NPS answer of customer \(answer.customerID) on \(answer.day.iso) is \(score); NPS answers run from 0 to 10")
            case .csat(let score) where !(1...5).contains(score):
                throw MetricsError(.badArgument, "the CSAT answer of customer \(answer.customerID) on \(answer.day.iso) is \(score); CSAT answers run from 1 to 5")
            default: break
            }
            guard answer.day >= from, answer.day <= to,
                filters.allSatisfy({ $0.admits(answer.customerID, answer.touchpoint, answer.category, answer.channel) })
            else { continue }
            switch answer.score {
            case .nps(let score):
                npsAnswers += 1
                if score >= 9 { promoters += 1 } else if score <= 6 { detractors += 1 }
            case .csat(let score):
                csatAnswers += 1
                if score >= 4 { satisfied += 1 }
            }
        }
        for ticket in tickets {
            guard ticket.contacts >= 1 else {
                throw MetricsError(.badArgument, "the ticket of customer \(ticket.customerID) closed on \(ticket.day.iso) has \(ticket.contacts) contacts; a ticket has at least one")
            }
            guard ticket.day >= from, ticket.day <= to,
                filters.allSatisfy({ $0.admits(ticket.customerID, "support", ticket.category, ticket.channel) })
            else { continue }
            self.tickets += 1
            if ticket.resolved && ticket.contacts == 1 { resolvedOnFirstContact += 1 }
        }
    }
}

extension SatisfactionMetrics.Filter {
    func admits(_ customerID: String, _ touchpoint: String, _ category: String?, _ channel: String?) -> Bool {
        switch self {
        case .touchpoint(let name): return touchpoint == name
        case .category(let name): return category == name
        case .channel(let name): return channel == name
        case .customers(let ids): return ids.contains(customerID)
        }
    }
}
