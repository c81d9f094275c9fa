#if Postgres
import Foundation
import RetentionKit

/// Where a PostgreSQL store lives, read from a URL such as
/// `postgres://retention:secret@db.internal:5432/shop?schema=retention&sslmode=require`.
///
/// `schema` (default `public`) names the schema that holds the store's tables, so several
/// stores can share one database; `sslmode` is `disable` (the default), `prefer` or `require`.
public struct PostgresAddress: Hashable, Sendable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum TLSMode: String, Hashable, Sendable {
        /// Plain TCP (the default; fine on loopback or a private network).
        case disable
        /// TLS when the server offers it, plain TCP otherwise.
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port (5432 unless the URL names another).
    public var port: Int
    /// The user the store logs in as.
    public var username: String
    /// The user's password, if the server asks for one.
    public var password: String?
    /// The database holding the store's schema.
    public var database: String
    /// The schema holding the store's tables (created when missing).
    public var schema: String
    /// Whether the connection uses TLS.
    public var tls: TLSMode

    /// An address from its parts; ``init(url:)`` reads one from a URL.
    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String, schema: String = "public",
        tls: TLSMode = .disable
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
    }

    /// Reads a `postgres://` (or `postgresql://`) URL; a URL that cannot be used is a
    /// ``StoreError`` that says which part is wrong.
    public init(url: String) throws(StoreError) {
        func bad(_ problem: String) -> StoreError {
            StoreError(
                .failed, message: "PostgreSQL URL \(Self.redacted(url)): \(problem)",
                hint: "write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE?schema=NAME&sslmode=disable")
        }
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw bad("not a postgres:// URL")
        }
        guard let host = parts.host, !host.isEmpty else { throw bad("no host") }
        guard let user = parts.user, !user.isEmpty else { throw bad("no user name") }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw bad("no database name after the host") }
        self.init(host: host, port: parts.port ?? 5432, username: user, password: parts.password, database: database)
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let name = item.value, Self.isPlainIdentifier(name) else {
                    throw bad("schema must be a plain name (lower-case letters, digits and underscores, not starting with a digit, at most 63)")
                }
                schema = name
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else { throw bad("sslmode must be disable, prefer or require") }
                tls = mode
            default:
                throw bad("unknown option \(item.name) (known: schema, sslmode)")
            }
        }
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)?schema=\(schema)&sslmode=\(tls.rawValue)"
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first), name.count <= 63 else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    private static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }
}
#endif
