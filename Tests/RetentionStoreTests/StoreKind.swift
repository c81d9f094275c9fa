import Testing
import Foundation
import RetentionKit
import RetentionSQLite

/// A store the contract suite runs against: each test gets a fresh, empty one, and can open
/// it again (as a restarted host or a second process would).
struct StoreKind: CustomTestStringConvertible, Sendable {
    let name: String
    /// Opens the store anew: the same data, through a new connection where there is one.
    let open: @Sendable () throws -> any RetentionStore

    var testDescription: String { name }

    static var all: [StoreKind] { [memory(), sqlite()] }

    static func memory() -> StoreKind {
        let store = MemoryStore()
        return StoreKind(name: "memory") { store }
    }

    static func sqlite() -> StoreKind {
        let path = temporaryPath("store.sqlite")
        return StoreKind(name: "SQLite") { try SQLiteStore(path: path) }
    }

    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retention-store-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

