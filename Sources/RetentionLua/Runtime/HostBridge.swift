import CLuaShim
import Logging

/// An error a host function throws to fail the script's call with a message.
///
/// ```swift
/// throw HostFunctionError("days_between(a, b) takes two day numbers")
/// ```
public struct HostFunctionError: Error, Sendable, CustomStringConvertible {
    /// The message the script's error carries.
    public var description: String
    public init(_ message: String) { description = message }
}

/// What C calls back into when a script calls a host function (or `print`).
final class HostBridge {
    let logger: Logger
    private var functions: [([LuaValue]) throws -> LuaValue] = []
    private let results = LuaTape()

    init(logger: Logger) {
        self.logger = logger
    }

    /// Adds a function; returns its id (ids start after the one reserved for `print`).
    func add(_ body: @escaping ([LuaValue]) throws -> LuaValue) -> Int32 {
        functions.append(body)
        return Int32(functions.count) + Int32(RK_HOST_PRINT)
    }

    /// Runs host function `id`. Never throws: failures go back to C as a message, which C raises
    /// in the script once this has returned.
    func invoke(
        _ runtime: OpaquePointer, id: Int32, arguments: rk_tape, count: UInt32, source: String, line: Int32
    ) -> Int32 {
        var reader = LuaTapeReader(arguments)
        let values = (0..<count).map { _ in reader.next() }
        if id == Int32(RK_HOST_PRINT) {
            logger.info(
                "\(values.first?.stringValue ?? "")",
                metadata: ["plugin": "\(source)", "line": "\(line)"]
            )
            return 0
        }
        let index = Int(id - Int32(RK_HOST_PRINT)) - 1
        guard functions.indices.contains(index) else {
            return fail(runtime, "no host function with id \(id)")
        }
        do {
            let result = try functions[index](values)
            results.reset()
            result.encode(to: LuaValueEncoder(tape: results.writer))
            return rk_host_return(runtime, results.view, 1) == Int32(RK_OK.rawValue) ? 0 : 1
        } catch {
            return fail(runtime, "\(error)")
        }
    }

    private func fail(_ runtime: OpaquePointer, _ message: String) -> Int32 {
        var message = message
        message.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { rk_host_fail(runtime, $0.baseAddress, $0.count) }
        }
        return 1
    }
}

/// The C callback: finds the bridge from the context pointer.
let hostCallback: rk_host_callback = { context, runtime, id, arguments, count, source, line in
    guard let context, let runtime else { return 1 }
    let bridge = Unmanaged<HostBridge>.fromOpaque(context).takeUnretainedValue()
    return bridge.invoke(
        runtime, id: id, arguments: arguments, count: count, source: source.map { String(cString: $0) } ?? "", line: line
    )
}
