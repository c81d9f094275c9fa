/// A customer's satisfaction signals, as the engine keeps them: survey answers, review ratings,
/// closed support tickets and delivery delays, each with its day.
///
/// Each signal scores 0 to 100:
///
/// | signal | score |
/// |---|---|
/// | NPS answer n (0–10) | 10 n |
/// | CSAT answer c (1–5) | 25 (c − 1) |
/// | review rating r (1–5) | 25 (r − 1) |
/// | support ticket | 0 unresolved; resolved: 100 − 20 per contact after the first, at least 40 |
/// | delivery delay of d days | 100 − 20 d, at least 0 |
public struct SatisfactionSignals: Hashable, Sendable, Codable {
    /// One signal: its day, kind and score.
    public struct Signal: Hashable, Sendable, Codable {
        /// Where a signal comes from.
        public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
            case nps, csat, review, support, delivery
        }
        /// The day it came.
        public var day: Day
        /// What kind of signal it is.
        public var kind: Kind
        /// 0 to 100.
        public var score: Double
        /// For NPS answers: the answer (a detractor gave 0–6). For delays: the days.
        public var value: Int
        /// Where it came from: the touchpoint, ticket, order or product.
        public var source: String

        /// For a support ticket: whether it was resolved (an unresolved one scores 0, a resolved
        /// one at least 40).
        public var isResolved: Bool { kind == .support && score > 0 }
    }

    /// Every signal, in the order received.
    public private(set) var signals: [Signal] = []

    public init() {}

    mutating func record(_ answer: FeedbackAnswerEvent, on day: Day) {
        switch answer.score {
        case .nps(let n): signals.append(Signal(day: day, kind: .nps, score: Double(10 * n), value: n, source: answer.touchpoint))
        case .csat(let c): signals.append(Signal(day: day, kind: .csat, score: Double(25 * (c - 1)), value: c, source: answer.touchpoint))
        }
    }

    mutating func recordReview(rating: Int, sku: String, on day: Day) {
        signals.append(Signal(day: day, kind: .review, score: Double(25 * (rating - 1)), value: rating, source: sku))
    }

    mutating func record(_ ticket: SupportTicketClosure, on day: Day) {
        let score = ticket.resolved ? Double(max(40, 100 - 20 * (ticket.contacts - 1))) : 0
        signals.append(Signal(day: day, kind: .support, score: score, value: ticket.contacts, source: ticket.ticketID))
    }

    mutating func record(_ delay: DeliveryDelay, on day: Day) {
        signals.append(Signal(day: day, kind: .delivery, score: Double(max(0, 100 - 20 * delay.days)), value: delay.days, source: delay.orderID))
    }

    /// Takes in a merged profile's signals, keeping day order.
    mutating func absorb(_ other: SatisfactionSignals) {
        signals = (signals + other.signals).enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map(\.element)
    }

    /// The scores by cycle and the flags, as of `day` (signals after it are not seen).
    public func summary(on day: Day, policy: SatisfactionPolicy) -> SatisfactionSummary {
        // Signals are in day order, so usually none is after `day` and nothing is copied.
        let seen = (signals.last?.day ?? day) <= day ? signals : signals.filter { $0.day <= day }
        return SatisfactionSummary(seen, on: day, policy: policy)
    }
}

/// What rules see of a customer's satisfaction on a day.
public struct SatisfactionSummary: Hashable, Sendable {
    /// A cycle's score.
    public struct CycleScore: Hashable, Sendable {
        /// The cycle's first day.
        public var start: Day
        /// The weighted mean of its signals' scores, 0 to 100.
        public var score: Double
    }

    /// Scores of the cycles that had signals, oldest first.
    public var cycles: [CycleScore]
    /// The score of the latest cycle with signals; nil without any.
    public var score: Double? { cycles.last?.score }
    /// Why the customer needs attention, sorted: `satisfaction_declining` (the score fell in
    /// each of the last two cycles with signals), `detractor` (an NPS answer of 0–6 in the
    /// current cycle), `delivery_delayed` (a delay over the threshold in the current cycle).
    public var flags: [String]

    public init(_ signals: [SatisfactionSignals.Signal], on day: Day, policy: SatisfactionPolicy) {
        guard !signals.isEmpty else {
            // Most customers, on most events: no dictionary, no sorting.
            cycles = []
            flags = []
            return
        }
        let length = max(1, policy.cycleDays)
        func cycle(of day: Day) -> Int { Int((Double(day.number) / Double(length)).rounded(.down)) }
        func weight(_ kind: SatisfactionSignals.Signal.Kind) -> Double {
            switch kind {
            case .nps: policy.weights.nps
            case .csat: policy.weights.csat
            case .review: policy.weights.review
            case .support: policy.weights.support
            case .delivery: policy.weights.delivery
            }
        }
        // Signals come in day order, so a cycle's sums are built in one run; a signal out of
        // order (from a merged profile) goes to its cycle's sums all the same.
        var sums: [(cycle: Int, weighted: Double, weights: Double)] = []
        for signal in signals {
            let w = weight(signal.kind)
            guard w > 0 else { continue }
            let index = cycle(of: signal.day)
            let at = sums.last?.cycle == index ? sums.count - 1 : sums.firstIndex { $0.cycle == index }
            if let at {
                sums[at].weighted += w * signal.score
                sums[at].weights += w
            } else {
                sums.append((index, w * signal.score, w))
                if sums.count > 1 && sums[sums.count - 2].cycle > index { sums.sort { $0.cycle < $1.cycle } }
            }
        }
        cycles = sums.map { CycleScore(start: Day(number: Int32($0.cycle * length)), score: $0.weighted / $0.weights) }
        var flags: [String] = []
        if cycles.count >= 3 {
            let last = cycles.suffix(3).map(\.score)
            if last[2] < last[1] && last[1] < last[0] { flags.append("satisfaction_declining") }
        }
        let current = cycle(of: day)
        if signals.contains(where: { $0.kind == .nps && $0.value <= 6 && cycle(of: $0.day) == current }) { flags.append("detractor") }
        if signals.contains(where: { $0.kind == .delivery && $0.value > policy.delayThresholdDays && cycle(of: $0.day) == current }) {
            flags.append("delivery_delayed")
        }
        self.flags = flags.sorted()
    }
}
