/// Why an amount or a currency code was refused.
public struct MoneyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case unknownCurrency, malformedAmount, tooManyDecimals, outOfRange
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The currency code is not an ISO 4217 code.
        public static let unknownCurrency = Code(.unknownCurrency)
        /// The amount is not a plain decimal number.
        public static let malformedAmount = Code(.malformedAmount)
        /// The amount has more decimals than the currency's minor unit.
        public static let tooManyDecimals = Code(.tooManyDecimals)
        /// The amount does not fit in 64 bits of minor units.
        public static let outOfRange = Code(.outOfRange)
    }

    /// What kind of problem it is.
    public let code: Code
    /// The text that was refused.
    public let input: String
    /// What was wrong and what is expected.
    public let message: String

    public init(_ code: Code, input: String, message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { message }
}
