/// An event that could not be read: where it is, which field, what was wrong and what to write.
///
/// ```
/// line 7 (event evt-7): order.lines[2].unit_price: '12.505' has more decimals than USD allows (2)
/// ```
public struct EventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line of the JSON Lines file (from 1), when the event came from one.
    public var line: Int?
    /// The event's id, when it could be read.
    public var eventID: String?
    /// The field, as a path into the event ("order.lines[2].unit_price"), or "" for the whole line.
    public var field: String
    /// What was wrong and what is expected.
    public var message: String

    public init(line: Int? = nil, eventID: String? = nil, field: String, message: String) {
        self.line = line
        self.eventID = eventID
        self.field = field
        self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let line { place.append("line \(line)") }
        if let eventID { place.append(line == nil ? "event \(eventID)" : "(event \(eventID))") }
        let prefix = place.isEmpty ? "" : place.joined(separator: " ") + ": "
        return prefix + (field.isEmpty ? "" : field + ": ") + message
    }
}
