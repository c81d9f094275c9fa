/// A value kept behind a reference: for a large field that most customers never fill, so a
/// customer's state holds one pointer instead of the value inline. Copies share the box;
/// setting the value makes a new box, so it still behaves as a value. Encoded as the value
/// itself.
struct Boxed<Value: Sendable>: Sendable {
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box

    init(_ value: Value) { box = Box(value) }

    var value: Value {
        get { box.value }
        set { box = Box(newValue) }
    }
}

extension Boxed: Codable where Value: Codable {
    init(from decoder: any Decoder) throws { self.init(try Value(from: decoder)) }

    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
