/// Why the ledger refused an operation. A refused operation changes nothing.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case insufficientPoints, invalidPoints, outOfOrder, unknownAward, notAnAward, belowZero, mergeConflict
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A redemption asks for more points than are available.
        public static let insufficientPoints = Code(.insufficientPoints)
        /// Points must be positive (or, for adjustments, non-zero).
        public static let invalidPoints = Code(.invalidPoints)
        /// The operation is dated before the account's latest day.
        public static let outOfOrder = Code(.outOfOrder)
        /// A reversal names an award the account does not have.
        public static let unknownAward = Code(.unknownAward)
        /// A reversal names an entry that is not an award.
        public static let notAnAward = Code(.notAnAward)
        /// A downward adjustment would take the balance below zero.
        public static let belowZero = Code(.belowZero)
        /// Two accounts cannot be merged: they hold entries with the same key, or the account
        /// was transferred out before.
        public static let mergeConflict = Code(.mergeConflict)
    }

    /// What kind of problem it is.
    public let code: Code
    /// The key of the refused operation.
    public let key: String
    /// What was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, key: String, message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
