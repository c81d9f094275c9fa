import Synchronization

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
    /// The code's bytes, first in the lowest byte, and the minor unit digits above them, so a
    /// currency is one word: it is kept with every amount and order, hashed as a dictionary
    /// key and compared on every sum. A code that does not fit (more than seven bytes) is
    /// kept in ``CurrencyCodes`` and its number stored instead (``internedFlag`` set).
    private let packed: UInt64

    private static let digitsShift: UInt64 = 56
    private static let internedFlag: UInt64 = 1 << 63
    private static let codeMask: UInt64 = (1 << 56) - 1

    /// The three-letter ISO 4217 code, in capitals.
    public var code: String {
        if packed & Self.internedFlag != 0 { return CurrencyCodes.shared.code(number: Int(packed & Self.codeMask)) }
        let bytes = packed & Self.codeMask
        let count = (64 - bytes.leadingZeroBitCount + 7) / 8
        // Seven bytes at most: the string is built in place, with no allocation.
        return String(unsafeUninitializedCapacity: count) { buffer in
            var rest = bytes
            for position in 0..<count {
                buffer[position] = UInt8(truncatingIfNeeded: rest)
                rest >>= 8
            }
            return count
        }
    }

    /// Digits after the decimal point in the currency's minor unit.
    public var minorUnitDigits: Int { Int((packed >> Self.digitsShift) & 0x7) }

    /// A currency from its ISO 4217 code (case-insensitive). Throws for a code that is not an
    /// active ISO 4217 currency.
    public init(code: String) throws(MoneyError) {
        // Codes nearly always come in capitals already; uppercasing is then skipped.
        let upper = code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) ? code : code.uppercased()
        guard let digits = Currency.minorUnitDigits[upper] else {
            throw MoneyError(.unknownCurrency, input: code, message: "'\(code)' is not an ISO 4217 currency code (for example USD, EUR, JPY)")
        }
        self.init(upper: upper, digits: digits)
    }

    /// A currency with a minor unit of your own (for a code not in the built-in table).
    public init(code: String, minorUnitDigits: Int) {
        precondition((0...4).contains(minorUnitDigits), "a currency has 0 to 4 minor unit digits")
        self.init(upper: code.uppercased(), digits: minorUnitDigits)
    }

    private init(upper: String, digits: Int) {
        let digitBits = UInt64(digits) << Self.digitsShift
        let utf8 = upper.utf8
        if utf8.count <= 7, !utf8.contains(0) {
            var bytes: UInt64 = 0
            for (position, byte) in utf8.enumerated() { bytes |= UInt64(byte) << (8 * UInt64(position)) }
            packed = bytes | digitBits
        } else {
            packed = UInt64(CurrencyCodes.shared.number(of: upper)) | digitBits | Self.internedFlag
        }
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

/// Codes of merchants' own currencies too long to pack into a ``Currency`` (more than seven
/// bytes), numbered in the order this process first saw them. Only the number is kept in the
/// currency; stored currencies carry their code, never the number.
final class CurrencyCodes: Sendable {
    static let shared = CurrencyCodes()

    private let table = Mutex<(codes: [String], numbers: [String: Int])>(([], [:]))

    func number(of code: String) -> Int {
        table.withLock { table in
            if let number = table.numbers[code] { return number }
            table.codes.append(code)
            table.numbers[code] = table.codes.count - 1
            return table.codes.count - 1
        }
    }

    func code(number: Int) -> String {
        table.withLock { $0.codes[number] }
    }
}
