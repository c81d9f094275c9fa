/// An ISO 4217 currency and the number of digits of its minor unit.
///
/// Amounts are kept as integers of the minor unit: cents for USD, yen for JPY (no minor unit),
/// fils for KWD (three digits).
///
/// ```swift
/// let usd = try Currency(code: "USD")     // minorUnitDigits == 2
/// let jpy = try Currency(code: "JPY")     // minorUnitDigits == 0
/// ```
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The three-letter ISO 4217 code, in capitals.
    public let code: String
    /// Digits after the decimal point in the currency's minor unit.
    public let minorUnitDigits: Int

    /// A currency from its ISO 4217 code (case-insensitive). Throws for a code that is not an
    /// active ISO 4217 currency.
    public init(code: String) throws(MoneyError) {
        // Codes nearly always come in capitals already; uppercasing is then skipped.
        let upper = code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) ? code : code.uppercased()
        guard let digits = Currency.minorUnitDigits[upper] else {
            throw MoneyError(.unknownCurrency, input: code, message: "'\(code)' is not an ISO 4217 currency code (for example USD, EUR, JPY)")
        }
        self.code = upper
        self.minorUnitDigits = digits
    }

    /// A currency with a minor unit of your own (for a code not in the built-in table).
    public init(code: String, minorUnitDigits: Int) {
        precondition((0...4).contains(minorUnitDigits), "a currency has 0 to 4 minor unit digits")
        self.code = code.uppercased()
        self.minorUnitDigits = minorUnitDigits
    }

    public var description: String { code }

    /// Minor units in one major unit (100 for USD, 1 for JPY, 1000 for KWD).
    public var minorUnitsPerMajor: Int64 {
        var result: Int64 = 1
        for _ in 0..<minorUnitDigits { result *= 10 }
        return result
    }

    /// US dollars (cents).
    public static let usd = Currency(code: "USD", minorUnitDigits: 2)
    /// Euros (cents).
    public static let eur = Currency(code: "EUR", minorUnitDigits: 2)
    /// Pounds sterling (pence).
    public static let gbp = Currency(code: "GBP", minorUnitDigits: 2)
    /// Japanese yen (no minor unit).
    public static let jpy = Currency(code: "JPY", minorUnitDigits: 0)

    /// ISO 4217 minor units of the active currencies whose minor unit is not two digits, then the
    /// two-digit ones.
    private static let minorUnitDigits: [String: Int] = {
        var table: [String: Int] = [:]
        for code in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] {
            table[code] = 0
        }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { table[code] = 3 }
        for code in ["CLF", "UYW"] { table[code] = 4 }
        let twoDigit = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD \
            CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD \
            GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD \
            MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP \
            PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS \
            TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL
            """
        for code in twoDigit.split(separator: " ") { table[String(code)] = 2 }
        return table
    }()
}
