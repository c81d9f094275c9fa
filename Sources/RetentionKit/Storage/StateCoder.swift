/// The compact binary form in which stores keep the engine's state (``CustomerRecord/state``,
/// ``SharedState/state``, the event log's payloads): any `Codable` value, without Foundation.
///
/// Every value is a tagged node: nothing, a primitive (little-endian varints, zigzag for signed
/// integers, UTF-8 for strings), a keyed container (key names and values) or an unkeyed one.
/// Keys are stored by name, so a field added later decodes from older bytes as absent.
///
/// ```swift
/// let bytes = try StateCoder.encode(Day(year: 2026, month: 3, day: 1)!)
/// let day = try StateCoder.decode(Day.self, from: bytes)
/// ```
public enum StateCoder {
    /// Encodes `value`.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = EncodingNode()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        var writer = ByteWriter()
        root.write(to: &writer)
        return writer.bytes
    }

    /// Decodes a value of `type` from bytes ``encode(_:)`` made. Throws `DecodingError` for
    /// bytes that are truncated or are not of that type.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        var reader = ByteReader(bytes: bytes)
        let tree = try reader.readNode()
        guard reader.isAtEnd else { throw StateCoder.corrupt("trailing bytes after the value", at: []) }
        return try T(from: NodeDecoder(node: tree, codingPath: []))
    }

    static func corrupt(_ message: String, at path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: message))
    }
}

// MARK: - The tree

private enum Tag: UInt8 {
    case null = 0, primitive = 1, keyed = 2, unkeyed = 3
}

/// What one `encode(to:)` wrote; a class because containers are handed out and filled later.
final class EncodingNode {
    enum Content {
        case unset, null, primitive([UInt8]), keyed([(String, EncodingNode)]), unkeyed([EncodingNode])
    }

    var content = Content.unset

    func write(to writer: inout ByteWriter) {
        switch content {
        case .unset, .null:
            writer.bytes.append(Tag.null.rawValue)
        case .primitive(let bytes):
            writer.bytes.append(Tag.primitive.rawValue)
            writer.writeVarint(UInt64(bytes.count))
            writer.bytes += bytes
        case .keyed(let entries):
            writer.bytes.append(Tag.keyed.rawValue)
            writer.writeVarint(UInt64(entries.count))
            for (key, node) in entries {
                writer.writeString(key)
                node.write(to: &writer)
            }
        case .unkeyed(let nodes):
            writer.bytes.append(Tag.unkeyed.rawValue)
            writer.writeVarint(UInt64(nodes.count))
            for node in nodes { node.write(to: &writer) }
        }
    }
}

/// A decoded node: slices of the input for primitives.
indirect enum DecodingNode {
    case null
    case primitive(ArraySlice<UInt8>)
    case keyed([(String, DecodingNode)])
    case unkeyed([DecodingNode])
}

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw StateCoder.corrupt("a number runs past the end of the data", at: [])
    }

    mutating func readSlice() throws -> ArraySlice<UInt8> {
        let count = try readVarint()
        guard count <= UInt64(bytes.count - offset) else { throw StateCoder.corrupt("a value runs past the end of the data", at: []) }
        defer { offset += Int(count) }
        return bytes[offset..<offset + Int(count)]
    }

    mutating func readNode() throws -> DecodingNode {
        guard offset < bytes.count, let tag = Tag(rawValue: bytes[offset]) else {
            throw StateCoder.corrupt("expected a value at byte \(offset)", at: [])
        }
        offset += 1
        switch tag {
        case .null:
            return .null
        case .primitive:
            return .primitive(try readSlice())
        case .keyed:
            let count = try readVarint()
            var entries: [(String, DecodingNode)] = []
            entries.reserveCapacity(Int(min(count, 64)))
            for _ in 0..<count {
                let key = String(decoding: try readSlice(), as: UTF8.self)
                entries.append((key, try readNode()))
            }
            return .keyed(entries)
        case .unkeyed:
            let count = try readVarint()
            var nodes: [DecodingNode] = []
            nodes.reserveCapacity(Int(min(count, 1024)))
            for _ in 0..<count { nodes.append(try readNode()) }
            return .unkeyed(nodes)
        }
    }
}

// MARK: - Primitives

func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

private func primitive(_ value: Int64) -> [UInt8] {
    var writer = ByteWriter()
    writer.writeVarint(zigzag(value))
    return writer.bytes
}

private func primitive(unsigned value: UInt64) -> [UInt8] {
    var writer = ByteWriter()
    writer.writeVarint(value)
    return writer.bytes
}

private func varint(_ slice: ArraySlice<UInt8>, _ path: [any CodingKey]) throws -> UInt64 {
    var reader = ByteReader(bytes: Array(slice))
    let value = try reader.readVarint()
    guard reader.isAtEnd else { throw StateCoder.corrupt("expected a number", at: path) }
    return value
}

// MARK: - Encoding

struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = node.content {} else { node.content = .keyed([]) }
        return KeyedEncodingContainer(KeyedNodeEncoder<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = node.content {} else { node.content = .unkeyed([]) }
        return UnkeyedNodeEncoder(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeEncoder(node: node, codingPath: codingPath) }
}

struct SingleNodeEncoder: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .null }
    mutating func encode(_ value: Bool) throws { node.content = .primitive([value ? 1 : 0]) }
    mutating func encode(_ value: String) throws { node.content = .primitive(Array(value.utf8)) }
    mutating func encode(_ value: Double) throws { node.content = .primitive(primitive(unsigned: value.bitPattern)) }
    mutating func encode(_ value: Float) throws { node.content = .primitive(primitive(unsigned: UInt64(value.bitPattern))) }
    mutating func encode(_ value: Int) throws { node.content = .primitive(primitive(Int64(value))) }
    mutating func encode(_ value: Int8) throws { node.content = .primitive(primitive(Int64(value))) }
    mutating func encode(_ value: Int16) throws { node.content = .primitive(primitive(Int64(value))) }
    mutating func encode(_ value: Int32) throws { node.content = .primitive(primitive(Int64(value))) }
    mutating func encode(_ value: Int64) throws { node.content = .primitive(primitive(value)) }
    mutating func encode(_ value: UInt) throws { node.content = .primitive(primitive(unsigned: UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { node.content = .primitive(primitive(unsigned: UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { node.content = .primitive(primitive(unsigned: UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { node.content = .primitive(primitive(unsigned: UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { node.content = .primitive(primitive(unsigned: value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: node, codingPath: codingPath)) }
}

struct KeyedNodeEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> EncodingNode {
        let child = EncodingNode()
        guard case .keyed(var entries) = node.content else { preconditionFailure("a keyed container's node holds entries") }
        node.content = .unset  // keeps `entries` uniquely referenced while it grows
        entries.append((key.stringValue, child))
        node.content = .keyed(entries)
        return child
    }

    private func single(_ key: Key) -> SingleNodeEncoder { SingleNodeEncoder(node: child(key), codingPath: codingPath + [key]) }

    mutating func encodeNil(forKey key: Key) throws { child(key).content = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: NodeEncoder(node: child(key), codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: child(Key(stringValue: "super")!), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: child(key), codingPath: codingPath + [key]) }
}

struct UnkeyedNodeEncoder: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int {
        if case .unkeyed(let nodes) = node.content { nodes.count } else { 0 }
    }

    private func child() -> EncodingNode {
        let child = EncodingNode()
        guard case .unkeyed(var nodes) = node.content else { preconditionFailure("an unkeyed container's node holds nodes") }
        node.content = .unset
        nodes.append(child)
        node.content = .unkeyed(nodes)
        return child
    }

    private func single() -> SingleNodeEncoder { SingleNodeEncoder(node: child(), codingPath: codingPath) }

    mutating func encodeNil() throws { child().content = .null }
    mutating func encode(_ value: Bool) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: String) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Double) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Float) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int8) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int16) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int32) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int64) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt8) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt16) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt32) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt64) throws { var s = single(); try s.encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: child(), codingPath: codingPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: child(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: child(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: child(), codingPath: codingPath) }
}

// MARK: - Decoding

struct NodeDecoder: Decoder {
    let node: DecodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .keyed(let entries) = node else { throw StateCoder.corrupt("expected fields", at: codingPath) }
        return KeyedDecodingContainer(KeyedNodeDecoder<Key>(entries: entries, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .unkeyed(let nodes) = node else { throw StateCoder.corrupt("expected a list", at: codingPath) }
        return UnkeyedNodeDecoder(nodes: nodes, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleNodeDecoder(node: node, codingPath: codingPath) }
}

struct SingleNodeDecoder: SingleValueDecodingContainer {
    let node: DecodingNode
    let codingPath: [any CodingKey]

    private func bytes() throws -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = node else { throw StateCoder.corrupt("expected a single value", at: codingPath) }
        return bytes
    }

    private func signed<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let value = unzigzag(try varint(try bytes(), codingPath))
        guard let exact = T(exactly: value) else { throw StateCoder.corrupt("\(value) does not fit \(T.self)", at: codingPath) }
        return exact
    }

    private func unsigned<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let value = try varint(try bytes(), codingPath)
        guard let exact = T(exactly: value) else { throw StateCoder.corrupt("\(value) does not fit \(T.self)", at: codingPath) }
        return exact
    }

    func decodeNil() -> Bool {
        if case .null = node { true } else { false }
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        let bytes = try bytes()
        guard bytes.count == 1, let byte = bytes.first, byte <= 1 else { throw StateCoder.corrupt("expected a boolean", at: codingPath) }
        return byte == 1
    }

    func decode(_ type: String.Type) throws -> String { String(decoding: try bytes(), as: UTF8.self) }
    func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try unsigned(UInt64.self)) }
    func decode(_ type: Float.Type) throws -> Float { Float(bitPattern: try unsigned(UInt32.self)) }
    func decode(_ type: Int.Type) throws -> Int { try signed(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try signed(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try signed(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try signed(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try signed(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try unsigned(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unsigned(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unsigned(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unsigned(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unsigned(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: NodeDecoder(node: node, codingPath: codingPath)) }
}

struct KeyedNodeDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let entries: [(String, DecodingNode)]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.0) } }

    func contains(_ key: Key) -> Bool { entries.contains { $0.0 == key.stringValue } }

    private func node(_ key: Key) throws -> DecodingNode {
        let name = key.stringValue
        guard let entry = entries.first(where: { $0.0 == name }) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: codingPath, debugDescription: "no field '\(name)'"))
        }
        return entry.1
    }

    private func single(_ key: Key) throws -> SingleNodeDecoder {
        SingleNodeDecoder(node: try node(key), codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let entry = entries.first(where: { $0.0 == key.stringValue }) else { return true }
        if case .null = entry.1 { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try single(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try single(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try single(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try single(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try single(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try single(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try single(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try single(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try single(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try single(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try single(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try single(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try single(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try single(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: NodeDecoder(node: try node(key), codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: try node(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: try node(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let key = Key(stringValue: "super") else { throw StateCoder.corrupt("no super field", at: codingPath) }
        return NodeDecoder(node: try node(key), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { NodeDecoder(node: try node(key), codingPath: codingPath + [key]) }
}

struct UnkeyedNodeDecoder: UnkeyedDecodingContainer {
    let nodes: [DecodingNode]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(nodes: [DecodingNode], codingPath: [any CodingKey]) {
        self.nodes = nodes
        self.codingPath = codingPath
    }

    var count: Int? { nodes.count }
    var isAtEnd: Bool { currentIndex >= nodes.count }

    private mutating func next() throws -> DecodingNode {
        guard !isAtEnd else { throw StateCoder.corrupt("the list has only \(nodes.count) items", at: codingPath) }
        defer { currentIndex += 1 }
        return nodes[currentIndex]
    }

    private mutating func single() throws -> SingleNodeDecoder { SingleNodeDecoder(node: try next(), codingPath: codingPath) }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = nodes[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try single().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try single().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try single().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try single().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try single().decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try single().decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try single().decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try single().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try single().decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try single().decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try single().decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try single().decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try single().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try single().decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: NodeDecoder(node: try next(), codingPath: codingPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: try next(), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: try next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { NodeDecoder(node: try next(), codingPath: codingPath) }
}
