import RetentionLua

/// JSON for the host's commands: integers stay integers; a table with only a sequence is an
/// array, any other table an object (sequence entries under "1", "2", ...).
extension LuaValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .nil
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([LuaValue].self) {
            self = .table(LuaTable(array: value))
        } else {
            self = .table(LuaTable(fields: try container.decode([String: LuaValue].self)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .nil: try container.encodeNil()
        case .boolean(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .table(let table):
            if table.fields.isEmpty && table.integerKeys.isEmpty {
                try container.encode(table.array)
            } else {
                var object = table.fields
                for (index, value) in table.array.enumerated() { object[String(index + 1)] = value }
                for (key, value) in table.integerKeys { object[String(key)] = value }
                try container.encode(object)
            }
        }
    }
}
