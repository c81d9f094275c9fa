import RetentionKit

/// Sends each event to the engine (one per core) that holds its customer, keeping customers a
/// referral links in one engine: a customer whose profile names who referred them
/// (`referred_by`) goes where their referrer is, so the `referral_completed` event, which touches
/// both, finds both. Events without a customer (`clock`) go to every engine.
///
/// ```swift
/// var router = PartitionRouter(count: 2)
/// for event in events {
///     for worker in router.workers(for: event) { queues[worker].append(event) }
/// }
/// ```
///
/// Customers are placed by ``Partition/index(forKey:count:)`` unless a referral placed them, so
/// the placement is the same in every process that routes the same events in the same order.
/// A referral between customers in different engines (the referee's profile did not name the
/// referrer) and a merge of profiles held by different engines are refused by the engine that
/// receives them as an unknown customer; run such stores on one engine, or merge first.
public struct PartitionRouter: Sendable {
    /// How many engines the customers are split over.
    public let count: Int
    /// Customers placed with their referrer rather than by their own id.
    private var placed: [String: Int] = [:]

    /// A router over `count` engines (at least one), with no customer placed yet.
    public init(count: Int) {
        precondition(count > 0, "a partition needs at least one worker")
        self.count = count
    }

    /// The engine that holds `customerID`.
    public func worker(of customerID: String) -> Int {
        placed[customerID] ?? Partition.index(forKey: customerID, count: count)
    }

    /// The engines `event` goes to: its customer's, or every one for an event without a customer.
    public mutating func workers(for event: Event) -> Range<Int> {
        guard let customerID = event.customerID else { return 0..<count }
        if case .customerCreated(let profile) = event.payload, let referrer = profile.referredBy {
            let worker = worker(of: referrer)
            if worker != Partition.index(forKey: customerID, count: count) { placed[customerID] = worker }
            return worker..<(worker + 1)
        }
        let worker = worker(of: customerID)
        return worker..<(worker + 1)
    }
}
