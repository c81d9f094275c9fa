import Foundation
import Testing

/// The PostgreSQL server the store tests may use, named by `RETENTION_POSTGRES_URL`
/// (for example `postgres://retention:retention@127.0.0.1:5432/retention`; `scripts/test`
/// installs, starts and names one). Without it, the PostgreSQL tests are skipped with this
/// reason, never passed.
enum PostgresTestServer {
    static let variable = "RETENTION_POSTGRES_URL"

    static var url: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let skipReason: Comment = """
        \(variable) is not set, so the PostgreSQL store was not tested: run scripts/test (it starts a local server), \
        or set \(variable)=postgres://USER:PASSWORD@HOST:PORT/DATABASE and build with --traits Postgres
        """

    /// The test server's URL with `schema` as the store's schema.
    static func url(schema: String) -> String {
        let base = url ?? ""
        return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    /// A schema name no other test uses.
    static func freshSchema() -> String {
        "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
