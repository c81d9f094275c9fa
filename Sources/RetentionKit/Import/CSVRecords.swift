/// Reads CSV text (RFC 4180): fields separated by commas, quoted with `"` when they hold a
/// comma, a quote (doubled) or a line break; lines end with LF or CRLF. Yields each record's
/// fields with the line it started on.
///
/// ```swift
/// for record in CSVRecords(bytes) {
///     print(record.line, record.fields)   // 2 ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", …]
/// }
/// ```
public struct CSVRecords: Sequence {
    /// One record.
    public struct Record: Hashable, Sendable {
        /// The line it starts on, from 1.
        public var line: Int
        /// Its fields, unquoted.
        public var fields: [String]
        /// True when a quoted field was still open at the end of the text.
        public var isUnterminated: Bool
    }

    private let bytes: [UInt8]

    public init(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    /// Reads one record at a time.
    public struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        var position = 0
        var line = 1

        public mutating func next() -> Record? {
            guard position < bytes.count else { return nil }
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if quoted {
                    if byte == quote {
                        if position < bytes.count, bytes[position] == quote {
                            field.append(quote)
                            position += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == newline { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case quote where field.isEmpty:
                    quoted = true
                case comma:
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                case newline:
                    line += 1
                    if field.last == cr { field.removeLast() }
                    fields.append(String(decoding: field, as: UTF8.self))
                    return Record(line: startLine, fields: fields, isUnterminated: false)
                default:
                    field.append(byte)
                }
            }
            if field.last == cr && !quoted { field.removeLast() }
            fields.append(String(decoding: field, as: UTF8.self))
            return Record(line: startLine, fields: fields, isUnterminated: quoted)
        }
    }
}
