/// What an import made of an export, and every row it did not use, by reason.
public struct ImportReport<Reason: Hashable & Sendable & Comparable>: Hashable, Sendable {
    /// Data rows read (the header not counted).
    public var rowsRead = 0
    /// Rows that became part of an event.
    public var rowsUsed = 0
    /// Customers created.
    public var customers = 0
    /// Orders placed.
    public var orders = 0
    /// Refund events made.
    public var refunds = 0
    /// Cancellation events made.
    public var cancellations = 0
    /// Rows left out, by reason: with ``rowsUsed`` they add up to ``rowsRead``.
    public var skipped: [Reason: Int] = [:]
    /// The first few line numbers of each reason, for looking the rows up.
    public var examples: [Reason: [Int]] = [:]
    /// What the conversion had to assume, in words (a UTC offset for times written without one).
    public var notes: [String] = []

    public init() {}

    mutating func skip(_ reason: Reason, line: Int, count: Int = 1) {
        skipped[reason, default: 0] += count
        if examples[reason, default: []].count < 5 { examples[reason, default: []].append(line) }
    }
}

/// Why an export could not be converted at all (an empty file, a header without the columns
/// the format needs).
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, and what the file should start with.
    public var message: String
    public var description: String { message }
}
