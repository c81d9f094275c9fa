import Testing
import Foundation
import RetentionKit
import RetentionSQLite
#if Postgres
import RetentionPostgres
#endif

/// A store the contract suite runs against: each test gets a fresh, empty one, and can open
/// it again (as a restarted host or a second process would).
struct StoreKind: CustomTestStringConvertible, Sendable {
    let name: String
    /// Opens the store anew: the same data, through a new connection where there is one.
    let open: @Sendable () throws -> any RetentionStore

    var testDescription: String { name }

    /// Every store this build and machine can test: PostgreSQL too when the package is built
    /// with the Postgres trait and `RETENTION_POSTGRES_URL` names a server (``PostgresTestServer``
    /// reports, as a skipped test, when it does not).
    static var all: [StoreKind] {
        var kinds = [memory(), sqlite()]
        #if Postgres
        if PostgresTestServer.url != nil { kinds.append(postgres()) }
        #endif
        return kinds
    }

    static func memory() -> StoreKind {
        let store = MemoryStore()
        return StoreKind(name: "memory") { store }
    }

    static func sqlite() -> StoreKind {
        let path = temporaryPath("store.sqlite")
        return StoreKind(name: "SQLite") { try SQLiteStore(path: path) }
    }

    #if Postgres
    /// A fresh schema in the test server's database, so tests running at once never share tables.
    static func postgres() -> StoreKind {
        let url = PostgresTestServer.url(schema: PostgresTestServer.freshSchema())
        return StoreKind(name: "PostgreSQL") { try PostgresStore(url: url) }
    }
    #endif

    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retention-store-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

