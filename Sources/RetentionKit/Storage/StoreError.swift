/// Why a store could not read or commit. Nothing a store acknowledged is lost by an error: a
/// batch that fails is not stored at all, and the engine forgets it too.
///
/// ```swift
/// do {
///     _ = try engine.apply(batch)
/// } catch let error as StoreError where error.code == .conflict {
///     // another process changed these customers first; apply the batch again
/// }
/// ```
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case conflict, corrupt, newerSchema, readOnly, full, unavailable, failed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Another writer changed a customer (or stored an event) this batch read: apply it
        /// again. ``StoredEngine`` does so itself a few times before it reports this.
        public static let conflict = Code(.conflict)
        /// Stored state that cannot be decoded.
        public static let corrupt = Code(.corrupt)
        /// The database was written by a newer RetentionKit, whose schema this one does not know.
        public static let newerSchema = Code(.newerSchema)
        /// The database cannot be written (a read-only file or mount, or permissions).
        public static let readOnly = Code(.readOnly)
        /// The disk or the database is full.
        public static let full = Code(.full)
        /// The database cannot be reached (a dropped connection, a server restarting).
        public static let unavailable = Code(.unavailable)
        /// Any other failure of the database.
        public static let failed = Code(.failed)

        public var description: String { base.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code
    /// What went wrong, naming the database and the operation.
    public var message: String
    /// What to do about it.
    public var hint: String?

    public init(_ code: Code, message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message) (\(code)); \($0)" } ?? "\(message) (\(code))"
    }
}
