// The value types encode as single values (a day as its number, points as an integer, a
// currency as its code and digits), so stored state stays small and reads the same in JSON.

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(number: try decoder.singleValueContainer().decode(Int32.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(number)
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(milliseconds: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}

extension Points: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension Currency: Codable {
    /// A currency encodes as `"USD:2"`: its code and minor unit digits, so a currency of the
    /// merchant's own (not in the built-in table) comes back as it was.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        // The digits follow the last colon: a merchant's own code may hold colons (or be empty).
        guard let colon = text.lastIndex(of: ":"), let digits = Int(text[text.index(after: colon)...]), (0...4).contains(digits) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a currency in the form CODE:DIGITS")
        }
        self.init(code: String(text[..<colon]), minorUnitDigits: digits)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("\(code):\(minorUnitDigits)")
    }
}
