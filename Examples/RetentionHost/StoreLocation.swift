import ArgumentParser
import Foundation
import RetentionKit
import RetentionSQLite
#if Postgres
import RetentionPostgres
#endif

/// Where a command's store is: a SQLite file, or a `postgres://` URL when the host was built
/// with PostgreSQL support (`swift build --traits Postgres`).
struct StoreLocation: ExpressibleByArgument, CustomStringConvertible {
    var text: String

    init(_ text: String) { self.text = text }
    init?(argument: String) { self.init(argument) }

    var isPostgres: Bool { text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") }

    /// The location as printed: a URL without its password.
    var description: String {
        guard isPostgres, var parts = URLComponents(string: text), parts.password != nil else { return text }
        parts.password = "***"
        return parts.string ?? text
    }

    /// Opens an existing store for a command that only reads it (balances, report, explain). A
    /// SQLite file that cannot be opened writable (a read-only mount, a backup) is opened for
    /// reading only.
    func openForReading() throws -> any RetentionStore {
        do {
            return try open(mustExist: true)
        } catch let error as StoreError where error.code == .readOnly && !isPostgres {
            return try SQLiteStore(readingOnly: text)
        }
    }

    /// Opens the store; a SQLite file is created unless `mustExist`.
    func open(mustExist: Bool = false) throws -> any RetentionStore {
        if isPostgres {
            #if Postgres
            return try PostgresStore(url: text)
            #else
            throw ValidationError("this retention-host was built without PostgreSQL support; build it with `swift build --traits Postgres` to use \(self)")
            #endif
        }
        if mustExist && !FileManager.default.fileExists(atPath: text) {
            throw ValidationError("no store at \(text); run `retention-host replay` first or pass --store")
        }
        return try SQLiteStore(path: text)
    }
}
