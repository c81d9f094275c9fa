import Foundation
import PropertyBased
import RetentionKit
import Testing

@Suite("Money is exact integer minor units")
struct MoneyTests {
    @Test(
        "Decimal strings parse exactly",
        arguments: [
            ("12.50", Currency.usd, Int64(1_250)), ("12.5", .usd, 1_250), ("12", .usd, 1_200), ("0.01", .usd, 1),
            ("-3.07", .usd, -307), ("+4", .eur, 400), (".5", .gbp, 50), ("1000", .jpy, 1_000),
            ("92233720368547758.07", .usd, .max),
        ]
    )
    func parsing(_ text: String, _ currency: Currency, _ minorUnits: Int64) throws {
        #expect(try Money(parsing: text, currency: currency).minorUnits == minorUnits)
    }

    @Test("Currencies know their minor units")
    func minorUnits() throws {
        #expect(try Currency(code: "usd").minorUnitDigits == 2)
        #expect(try Currency(code: "JPY").minorUnitDigits == 0)
        #expect(try Currency(code: "KWD").minorUnitDigits == 3)
        #expect(try Money(parsing: "1.234", currency: Currency(code: "KWD")).minorUnits == 1_234)
    }

    @Test("A merchant's own currency keeps its code and digits, however long the code")
    func ownCurrencies() throws {
        let credit = Currency(code: "store-credit", minorUnitDigits: 0)
        #expect(credit.code == "STORE-CREDIT")
        #expect(credit.minorUnitDigits == 0)
        #expect(credit == Currency(code: "Store-Credit", minorUnitDigits: 0))
        #expect(credit != Currency(code: "STORE-CREDIT", minorUnitDigits: 2))
        #expect(Currency(code: "usdt", minorUnitDigits: 4).code == "USDT")
        #expect(Set([credit, .usd, Currency(code: "STORE-CREDIT", minorUnitDigits: 0), try Currency(code: "usd")]).count == 2)
        #expect(try Currency(code: "EUR") == .eur)
        #expect(Currency.eur.code == "EUR")
        #expect(Currency.eur.description == "EUR")
        #expect(Currency.jpy.minorUnitDigits == 0)
        let stored = try JSONEncoder().encode([credit, .jpy])
        #expect(String(decoding: stored, as: UTF8.self) == #"["STORE-CREDIT:0","JPY:0"]"#)
        #expect(try JSONDecoder().decode([Currency].self, from: stored) == [credit, .jpy])
    }

    @Test("Any code of a merchant's own keeps its text and digits, and equal codes make equal currencies", .tags(.property))
    func ownCodes() async {
        let characters = Gen.element(of: Array("abcXYZ019-_:é€ "))
        await propertyCheck(count: 2_000, input: characters.array(of: 0...12), characters.array(of: 0...12), Gen.int(in: 0...4)) { first, second, digits in
            let (one, other) = (String(first.compactMap { $0 }), String(second.compactMap { $0 }))
            let currency = Currency(code: one, minorUnitDigits: digits)
            #expect(currency.code == one.uppercased())
            #expect(currency.minorUnitDigits == digits)
            #expect((currency == Currency(code: other, minorUnitDigits: digits)) == (one.uppercased() == other.uppercased()))
            #expect(currency != Currency(code: one, minorUnitDigits: (digits + 1) % 5))
            let stored = try? JSONDecoder().decode(Currency.self, from: JSONEncoder().encode(currency))
            #expect(stored == currency)
        }
    }

    @Test("An unknown currency is refused with the code it was given")
    func unknownCurrency() {
        #expect {
            _ = try Currency(code: "XYZ")
        } throws: { error in
            (error as? MoneyError)?.code == .unknownCurrency && "\(error)".contains("'XYZ'")
        }
    }

    @Test(
        "Malformed amounts are refused, never rounded",
        arguments: [
            ("12.505", MoneyError.Code.tooManyDecimals), ("1.5", .tooManyDecimals), ("1,000.00", .malformedAmount),
            ("1e3", .malformedAmount), ("", .malformedAmount), (".", .malformedAmount), ("1.2.3", .malformedAmount),
            (" 12", .malformedAmount), ("92233720368547758.08", .outOfRange), ("-", .malformedAmount),
        ]
    )
    func malformed(_ text: String, _ code: MoneyError.Code) {
        let currency = text == "1.5" ? Currency.jpy : .usd
        #expect {
            _ = try Money(parsing: text, currency: currency)
        } throws: { error in
            (error as? MoneyError)?.code == code
        }
    }

    @Test("Formatting shows exactly the currency's decimals")
    func formatting() throws {
        #expect(Money(minorUnits: 1_250, currency: .usd).formatted == "12.50")
        #expect(Money(minorUnits: -5, currency: .usd).formatted == "-0.05")
        #expect(Money(minorUnits: 1_000, currency: .jpy).description == "1000 JPY")
        #expect(try Money(minorUnits: 7, currency: Currency(code: "KWD")).formatted == "0.007")
    }

    @Test("Formatting and parsing round-trip for any amount", .tags(.property))
    func roundTrip() async {
        await propertyCheck(count: 500, input: Gen.int64(), Gen.int(in: 0...3)) { units, digits in
            let currency = Currency(code: "TST", minorUnitDigits: digits)
            let money = Money(minorUnits: units, currency: currency)
            #expect((try? Money(parsing: money.formatted, currency: currency)) == money)
        }
    }

    @Test("Arithmetic stays in minor units")
    func arithmetic() {
        let price = Money(minorUnits: 1_250, currency: .usd)
        #expect(price * 3 + Money(minorUnits: 99, currency: .usd) == Money(minorUnits: 3_849, currency: .usd))
        #expect(price - price == .zero(.usd))
        #expect(Points(120) - 20 == Points(100))
    }
}

extension Tag {
    @Tag static var property: Self
}
