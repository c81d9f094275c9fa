/// Amounts in minor units by currency, kept without a dictionary while there is one currency.
///
/// Two values are equal when they hold the same amounts: one currency is always kept on its
/// own, several always in the dictionary.
struct CurrencyAmounts: Hashable, Sendable {
    /// The currency, when there is exactly one.
    private var currency: Currency?
    /// Its amount.
    private var amount: Int64 = 0
    /// The amounts, when there are none or several.
    private var several: [Currency: Int64] = [:]

    /// One currency's amount.
    init(_ currency: Currency, _ amount: Int64) {
        self.currency = currency
        self.amount = amount
    }

    init(_ amounts: [Currency: Int64]) {
        if amounts.count == 1, let (currency, amount) = amounts.first {
            self.currency = currency
            self.amount = amount
        } else {
            several = amounts
        }
    }

    /// None yet.
    init() {}

    /// Adds `amount` in `currency`. The first currency stays on its own; a second moves both
    /// into the dictionary.
    mutating func add(_ amount: Int64, in currency: Currency) {
        if several.isEmpty {
            if self.currency == nil {
                self.currency = currency
                self.amount = amount
                return
            }
            if self.currency == currency {
                self.amount += amount
                return
            }
            several[self.currency!] = self.amount
            self.currency = nil
            self.amount = 0
        }
        several[currency, default: 0] += amount
    }

    /// The amount in `currency`; 0 when there is none.
    subscript(currency: Currency) -> Int64 {
        if let single = self.currency { return single == currency ? amount : 0 }
        return several[currency] ?? 0
    }

    /// Calls `body` with each currency and its amount, in no particular order.
    func forEach(_ body: (Currency, Int64) -> Void) {
        if let currency { body(currency, amount) } else { for (currency, amount) in several { body(currency, amount) } }
    }

    /// The amounts as a dictionary.
    var dictionary: [Currency: Int64] {
        if let currency { return [currency: amount] }
        return several
    }
}
