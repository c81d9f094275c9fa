/// Reads the members of one JSON object, naming each field by its path in errors.
struct FieldReader {
    struct Failure: Error {
        var path: String
        var message: String
    }

    let members: [(String, JSONValue)]
    let path: String

    init(_ value: JSONValue, path: String) throws(Failure) {
        guard case .object(let members) = value else {
            throw Failure(path: path, message: "expected an object ({...}), got \(value.kindName)")
        }
        self.members = members
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) -> JSONValue? {
        guard let value = members.first(where: { $0.0 == key })?.1, value != .null else { return nil }
        return value
    }

    func required(_ key: String) throws(Failure) -> JSONValue {
        guard let value = value(key) else { throw Failure(path: fieldPath(key), message: "is missing") }
        return value
    }

    func string(_ key: String) throws(Failure) -> String {
        guard let text = try optionalString(key) else { throw Failure(path: fieldPath(key), message: "is missing") }
        return text
    }

    func optionalString(_ key: String) throws(Failure) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            throw Failure(path: fieldPath(key), message: "expected a string, got \(value.kindName)")
        }
        guard !text.isEmpty else { throw Failure(path: fieldPath(key), message: "must not be empty") }
        return text
    }

    func integer(_ key: String, in range: ClosedRange<Int64>? = nil) throws(Failure) -> Int64 {
        guard let number = try optionalInteger(key, in: range) else { throw Failure(path: fieldPath(key), message: "is missing") }
        return number
    }

    func optionalInteger(_ key: String, in range: ClosedRange<Int64>? = nil) throws(Failure) -> Int64? {
        guard let value = value(key) else { return nil }
        let number: Int64
        switch value {
        case .integer(let i): number = i
        case .number(let n) where n == n.rounded() && abs(n) < 9e15: number = Int64(n)
        default: throw Failure(path: fieldPath(key), message: "expected a whole number, got \(describe(value))")
        }
        if let range, !range.contains(number) {
            let bound = range.upperBound == .max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw Failure(path: fieldPath(key), message: "must be \(bound), not \(number)")
        }
        return number
    }

    func bool(_ key: String) throws(Failure) -> Bool {
        guard let flag = try optionalBool(key) else { throw Failure(path: fieldPath(key), message: "is required (true or false)") }
        return flag
    }

    func optionalBool(_ key: String) throws(Failure) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw Failure(path: fieldPath(key), message: "expected true or false, got \(value.kindName)")
        }
        return flag
    }

    func money(_ key: String, _ currency: Currency, allowNegative: Bool = false) throws(Failure) -> Money {
        guard let money = try optionalMoney(key, currency, allowNegative: allowNegative) else {
            throw Failure(path: fieldPath(key), message: "is missing")
        }
        return money
    }

    func optionalMoney(_ key: String, _ currency: Currency, allowNegative: Bool = false) throws(Failure) -> Money? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            throw Failure(
                path: fieldPath(key),
                message: "expected an amount as a decimal string such as \"12.50\", got \(describe(value))")
        }
        let money: Money
        do {
            money = try Money(parsing: text, currency: currency)
        } catch {
            throw Failure(path: fieldPath(key), message: error.message)
        }
        guard allowNegative || money.minorUnits >= 0 else {
            throw Failure(path: fieldPath(key), message: "must not be negative, not \(text)")
        }
        return money
    }

    func currency(_ key: String) throws(Failure) -> Currency {
        let code = try string(key)
        do {
            return try Currency(code: code)
        } catch {
            throw Failure(path: fieldPath(key), message: error.message)
        }
    }

    func optionalDay(_ key: String) throws(Failure) -> Day? {
        guard let text = try optionalString(key) else { return nil }
        do {
            return try Day(iso: text)
        } catch {
            throw Failure(path: fieldPath(key), message: error.message)
        }
    }

    func timestamp(_ key: String) throws(Failure) -> Timestamp {
        let text = try string(key)
        do {
            return try Timestamp(iso: text)
        } catch {
            throw Failure(path: fieldPath(key), message: error.message)
        }
    }

    func object(_ key: String) throws(Failure) -> FieldReader {
        try FieldReader(try required(key), path: fieldPath(key))
    }

    /// The elements of an array field, each with its path ("lines[1]", counted from 1).
    func array(_ key: String, allowEmpty: Bool = true) throws(Failure) -> [(value: JSONValue, path: String)] {
        guard let elements = try optionalArray(key) else { throw Failure(path: fieldPath(key), message: "is missing") }
        guard allowEmpty || !elements.isEmpty else { throw Failure(path: fieldPath(key), message: "must not be empty") }
        return elements
    }

    func optionalArray(_ key: String) throws(Failure) -> [(value: JSONValue, path: String)]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            throw Failure(path: fieldPath(key), message: "expected an array ([...]), got \(value.kindName)")
        }
        return elements.enumerated().map { ($1, "\(fieldPath(key))[\($0 + 1)]") }
    }

    func strings(_ key: String) throws(Failure) -> [String]? {
        guard let elements = try optionalArray(key) else { return nil }
        var result: [String] = []
        for element in elements {
            guard case .string(let text) = element.value else {
                throw Failure(path: element.path, message: "expected a string, got \(element.value.kindName)")
            }
            result.append(text)
        }
        return result
    }

    func attributes(_ key: String) throws(Failure) -> [String: AttributeValue]? {
        guard let value = value(key) else { return nil }
        let reader = try FieldReader(value, path: fieldPath(key))
        var result: [String: AttributeValue] = [:]
        for (name, member) in reader.members {
            switch member {
            case .string(let s): result[name] = .string(s)
            case .integer(let i): result[name] = .integer(i)
            case .number(let n): result[name] = .number(n)
            case .bool(let b): result[name] = .boolean(b)
            case .null: continue
            default:
                throw Failure(path: reader.fieldPath(name), message: "attributes hold strings, numbers or booleans, not \(member.kindName)")
            }
        }
        return result
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .number(let n): "the number \(n)"
        case .integer(let i): "the number \(i)"
        case .string(let s): "the string \"\(s)\""
        default: value.kindName
        }
    }
}
