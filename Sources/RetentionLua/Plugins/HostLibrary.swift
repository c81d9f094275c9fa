import Logging
import RetentionKit

/// The `retention` library scripts call: date arithmetic, rounding, money, the configuration,
/// a logger. Nothing here reaches the file system, the network or the clock, so a rule gives the
/// same answer in every run.
///
/// | Function | Returns |
/// |---|---|
/// | `retention.day(date)` | the day number of an ISO date ("2025-03-01") or timestamp |
/// | `retention.date(day)` | the ISO date of a day number |
/// | `retention.days_between(a, b)` | `b - a` in days; dates or day numbers |
/// | `retention.share(total, weights)` | `total` split in proportion to `weights`, exactly (largest remainder) |
/// | `retention.percent(amount, percent)` | `amount * percent // 100` (rounded down) |
/// | `retention.round(x)` | `x` rounded half away from zero, as an integer |
/// | `retention.money(amount, currency)` | "12.50 USD" from minor units |
/// | `retention.config(key, default)` | the configuration's value at a dotted key, or `default` |
/// | `retention.log(message)` | writes to the host's logger |
enum HostLibrary {
    static func register(in runtime: LuaRuntime, configuration: LuaValue, program: Program, logger: Logger) throws(LuaError) {
        let settings = Configuration(values: configuration, program: program)
        try runtime.register("day", in: "retention") { arguments in
            .integer(Int64(try day(arguments.first, "retention.day(date)").number))
        }
        try runtime.register("date", in: "retention") { arguments in
            guard let number = arguments.first?.integerValue, let day = Int32(exactly: number) else {
                throw HostFunctionError("retention.date(day) takes a day number (days since 1970-01-01)")
            }
            return .string(Day(number: day).iso)
        }
        try runtime.register("days_between", in: "retention") { arguments in
            guard arguments.count == 2 else { throw HostFunctionError("retention.days_between(a, b) takes two dates or day numbers") }
            let usage = "retention.days_between(a, b)"
            return .integer(Int64(try day(arguments[1], usage) - day(arguments[0], usage)))
        }
        try runtime.register("share", in: "retention") { arguments in
            let usage = "retention.share(total, weights) takes an integer and a list of integers"
            guard arguments.count == 2, let total = arguments[0].integerValue, case .table(let list) = arguments[1],
                  list.fields.isEmpty, list.integerKeys.isEmpty else { throw HostFunctionError(usage) }
            var weights: [Int64] = []
            for weight in list.array {
                guard let value = weight.integerValue, value >= 0 else {
                    throw HostFunctionError("\(usage); weights must be integers of 0 or more")
                }
                weights.append(value)
            }
            return .table(LuaTable(array: EarningBase.share(total, by: weights).map(LuaValue.integer)))
        }
        try runtime.register("percent", in: "retention") { arguments in
            guard arguments.count == 2, let amount = arguments[0].integerValue, let percent = arguments[1].integerValue else {
                throw HostFunctionError("retention.percent(amount, percent) takes two integers")
            }
            let (product, overflow) = amount.multipliedReportingOverflow(by: percent)
            guard !overflow else { throw HostFunctionError("retention.percent(\(amount), \(percent)) overflows") }
            return .integer(product >= 0 ? product / 100 : -((-product + 99) / 100))
        }
        try runtime.register("round", in: "retention") { arguments in
            switch arguments.first ?? .nil {
            case .integer(let value): return .integer(value)
            case .number(let value):
                guard let rounded = Int64(exactly: value.rounded(.toNearestOrAwayFromZero)) else {
                    throw HostFunctionError("retention.round(\(value)): not a finite number in the integer range")
                }
                return .integer(rounded)
            default: throw HostFunctionError("retention.round(x) takes a number")
            }
        }
        try runtime.register("money", in: "retention") { arguments in
            guard arguments.count == 2, let amount = arguments[0].integerValue, let code = arguments[1].stringValue else {
                throw HostFunctionError("retention.money(amount, currency) takes minor units and an ISO 4217 code")
            }
            do {
                return .string(Money(minorUnits: amount, currency: try Currency(code: code)).description)
            } catch {
                throw HostFunctionError("retention.money: \(error)")
            }
        }
        try runtime.register("config", in: "retention") { arguments in
            guard let key = arguments.first?.stringValue else {
                throw HostFunctionError("retention.config(key, default) takes a dotted key such as \"purchase_points.per_unit\"")
            }
            return settings.value(at: key) ?? (arguments.count > 1 ? arguments[1] : .nil)
        }
        try runtime.register("log", in: "retention") { arguments in
            logger.info("\(arguments.map { $0.stringValue ?? $0.description }.joined(separator: " "))")
            return .nil
        }
    }

    private static func day(_ value: LuaValue?, _ usage: String) throws -> Day {
        switch value ?? .nil {
        case .integer(let number):
            guard let day = Int32(exactly: number) else { throw HostFunctionError("\(usage): day \(number) is out of range") }
            return Day(number: day)
        case .string(let text):
            if text.count > 10, let timestamp = try? Timestamp(iso: text) { return timestamp.day }
            do { return try Day(iso: text) } catch { throw HostFunctionError("\(usage): \(error)") }
        default:
            throw HostFunctionError("\(usage) takes ISO dates (\"2025-03-01\") or day numbers")
        }
    }
}

/// The values `retention.config` reads: the merchant's configuration, and the program's
/// settings under `program.` (`program.return_window_days`, `program.currencies`,
/// `program.qualification_days`).
struct Configuration {
    let values: LuaValue
    let program: LuaValue

    init(values: LuaValue, program: Program) {
        self.values = values
        var settings: [String: LuaValue] = [
            "return_window_days": .integer(Int64(program.returnWindowDays)),
            "currencies": .table(LuaTable(array: program.currencies.map(\.code).sorted().map(LuaValue.string))),
            "qualification": .string(program.qualification.description),
        ]
        if case .rolling(let days) = program.qualification { settings["qualification_days"] = .integer(Int64(days)) }
        self.program = .table(LuaTable(fields: settings))
    }

    /// The value at a dotted key ("purchase_points.category_multipliers"), or nil.
    func value(at key: String) -> LuaValue? {
        var parts = key.split(separator: ".").map(String.init)
        var current = values
        if parts.first == "program" {
            current = program
            parts.removeFirst()
        }
        for part in parts {
            guard case .table(let table) = current else { return nil }
            if let value = table.fields[part] {
                current = value
            } else if let index = Int(part), index >= 1, index <= table.array.count {
                current = table.array[index - 1]
            } else {
                return nil
            }
        }
        return current == .nil ? nil : current
    }
}
