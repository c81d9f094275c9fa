/// An amount of money: an integer number of the currency's minor units.
///
/// Money is never a floating-point number. Parse it from the decimal strings events carry, and
/// it stays exact:
///
/// ```swift
/// let total = try Money(parsing: "12.50", currency: .usd)   // 1250 cents
/// total.formatted                                            // "12.50"
/// try Money(parsing: "1000", currency: .jpy).minorUnits      // 1000
/// ```
public struct Money: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The amount in minor units (cents for USD).
    public var minorUnits: Int64
    /// The currency.
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// Parses a decimal string such as "12.50", "-3", "0.5" or "1000" exactly.
    ///
    /// Fewer decimals than the currency has are filled with zeros ("12.5" USD is 1250 cents);
    /// more are an error, never rounded away. Grouping separators, exponents and spaces are
    /// refused.
    public init(parsing text: String, currency: Currency) throws(MoneyError) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var units: Int64 = 0
        var digitsBeforePoint = 0
        var decimals = 0
        var sawPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !sawPoint else {
                    throw MoneyError(.malformedAmount, input: text, message: "'\(text)' has more than one decimal point")
                }
                sawPoint = true
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                throw MoneyError(
                    .malformedAmount, input: text,
                    message: "'\(text)' is not a decimal amount: write digits with an optional '.' (for example \"12.50\")")
            }
            if sawPoint {
                decimals += 1
                guard decimals <= currency.minorUnitDigits else {
                    throw MoneyError(
                        .tooManyDecimals, input: text,
                        message: "'\(text)' has more decimals than \(currency.code) allows (\(currency.minorUnitDigits))")
                }
            } else {
                digitsBeforePoint += 1
            }
            let (times10, overflow1) = units.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else {
                throw MoneyError(.outOfRange, input: text, message: "'\(text)' is too large an amount")
            }
            units = added
        }
        guard digitsBeforePoint + decimals > 0 else {
            throw MoneyError(.malformedAmount, input: text, message: "'\(text)' has no digits (for example \"12.50\")")
        }
        for _ in decimals..<currency.minorUnitDigits {
            let (scaled, overflow) = units.multipliedReportingOverflow(by: 10)
            guard !overflow else {
                throw MoneyError(.outOfRange, input: text, message: "'\(text)' is too large an amount")
            }
            units = scaled
        }
        self.init(minorUnits: negative ? -units : units, currency: currency)
    }

    /// The amount as a decimal string with exactly the currency's decimals ("12.50", "-0.05", "1000").
    public var formatted: String {
        let digits = currency.minorUnitDigits
        let magnitude = minorUnits.magnitude
        let sign = minorUnits < 0 ? "-" : ""
        guard digits > 0 else { return sign + String(magnitude) }
        let per = UInt64(currency.minorUnitsPerMajor)
        let fraction = String(magnitude % per)
        return sign + String(magnitude / per) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// "12.50 USD".
    public var description: String { "\(formatted) \(currency.code)" }

    public static func < (lhs: Money, rhs: Money) -> Bool {
        precondition(lhs.currency == rhs.currency, "cannot compare \(lhs.currency) with \(rhs.currency)")
        return lhs.minorUnits < rhs.minorUnits
    }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "cannot add \(rhs.currency) to \(lhs.currency)")
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "cannot subtract \(rhs.currency) from \(lhs.currency)")
        return Money(minorUnits: lhs.minorUnits - rhs.minorUnits, currency: lhs.currency)
    }

    /// The amount times an integer quantity (a line's unit price times its quantity).
    public static func * (lhs: Money, quantity: Int64) -> Money {
        Money(minorUnits: lhs.minorUnits * quantity, currency: lhs.currency)
    }
}
