/// Why the metrics refused their input: an order, profile or argument that cannot be right.
///
/// Each message names the record (order id, customer id) and says how to fix it.
///
/// ```swift
/// do {
///     let history = try OrderHistory(orders: orders, currency: .usd)
/// } catch {
///     print(error)   // order 1001: currency EUR, but these metrics are in USD; ...
/// }
/// ```
public struct MetricsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case badOrder, badArgument, notEnoughData, didNotConverge
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An order that cannot be counted: another currency, a negative total, refunds above the total.
        public static let badOrder = Code(.badOrder)
        /// An argument out of range: an empty period, a window of zero days, a bad weight.
        public static let badArgument = Code(.badArgument)
        /// Too few customers or purchases to compute the figure (for example no repeat buyers to fit spend).
        public static let notEnoughData = Code(.notEnoughData)
        /// A model fit that did not reach a maximum of the likelihood.
        public static let didNotConverge = Code(.didNotConverge)

        public var description: String { base.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code
    /// What was wrong and where, with how to fix it.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
