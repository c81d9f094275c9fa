/// Why a subscription event was refused: a transition the subscription's state does not allow,
/// or a subscription that does not exist or already does.
///
/// ```swift
/// do {
///     try subscription.resume(on: day)
/// } catch {
///     print(error)   // subscription sub-7 is active, not paused; only a paused subscription resumes
/// }
/// ```
public struct SubscriptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidTransition, unknownSubscription, subscriptionExists, invalidInterval, invalidItems
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The subscription's state does not allow the change (renewing a cancelled one,
        /// resuming one that is not paused).
        public static let invalidTransition = Code(.invalidTransition)
        /// No subscription with the id, for that customer.
        public static let unknownSubscription = Code(.unknownSubscription)
        /// A subscription with the id was started before.
        public static let subscriptionExists = Code(.subscriptionExists)
        /// An interval that cannot renew.
        public static let invalidInterval = Code(.invalidInterval)
        /// No items, items in another currency, or a discount outside 0–100%.
        public static let invalidItems = Code(.invalidItems)

        public var description: String { base.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code
    /// The subscription, when there is one.
    public var subscriptionID: String?
    /// What was wrong, and how to fix it.
    public var message: String

    public init(_ code: Code, subscriptionID: String?, message: String) {
        self.code = code
        self.subscriptionID = subscriptionID
        self.message = message
    }

    public var description: String { subscriptionID.map { "subscription \($0): \(message)" } ?? message }
}
