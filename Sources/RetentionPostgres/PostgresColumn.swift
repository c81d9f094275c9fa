#if Postgres
import NIOCore
import PostgresNIO

/// One column of a batch, sent as a single Postgres array parameter so that a whole batch
/// is one `INSERT … SELECT * FROM unnest($1, $2, …)` instead of a statement per row.
///
/// postgres-nio encodes arrays of non-optional values only; this writes the binary array
/// format itself, with SQL NULL for `nil` elements.
struct PostgresColumn<Element: PostgresNonThrowingEncodable>: PostgresNonThrowingEncodable {
    var values: [Element?]

    init(_ values: [Element?]) { self.values = values }

    static var psqlType: PostgresDataType {
        switch Element.psqlType {
        case .text: .textArray
        case .int8: .int8Array
        case .bool: .boolArray
        case .bytea: .byteaArray
        default: preconditionFailure("PostgresColumn supports text, int8, bool and bytea elements, not \(Element.psqlType)")
        }
    }

    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // Postgres's binary array: dimensions, has-nulls flag, element type, then for the one
        // dimension its length and lower bound, then each element as length + bytes (-1: NULL).
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeInteger(values.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue, as: UInt32.self)
        buffer.writeInteger(Int32(values.count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)
        for value in values {
            guard let value else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            value.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex, as: Int32.self)
        }
    }
}
#endif
