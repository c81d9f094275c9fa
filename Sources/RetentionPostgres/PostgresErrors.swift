#if Postgres
import PostgresNIO
import RetentionKit

/// Turns postgres-nio's errors into ``StoreError``s a host can act on. postgres-nio hides the
/// server's message from `description` (it may hold data); the store's own messages name the
/// operation, the SQLSTATE and the server's message, which hold no customer data beyond ids.
enum PostgresErrors {
    /// The SQLSTATE raised by the schema's `retention_expect` when a commit finds a customer or
    /// the shared state changed since it was read.
    static let staleRead = "RK001"

    static func isConnectionLost(_ error: any Error) -> Bool {
        if error is ConnectionLost { return true }
        if error is StoreError || error is PostgresDecodingError { return false }
        guard let error = error as? PSQLError else { return true }
        switch error.code {
        case .server:
            // The server is shutting down or restarting, or dropped this session.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest, .messageDecodingFailure,
            .unexpectedBackendMessage, .clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown:
            return true
        default:
            return false
        }
    }

    static func storeError(_ error: any Error, address: PostgresAddress, doing: String) -> StoreError {
        if let error = error as? StoreError { return error }
        let place = "\(address): \(doing)"
        if error is PostgresDecodingError {
            return StoreError(.corrupt, message: "\(place): a stored value has an unexpected type (\(String(reflecting: error)))", hint: "check that the schema is RetentionKit's and untouched, or restore from a backup")
        }
        guard let error = error as? PSQLError else {
            return StoreError(.unavailable, message: "\(place): \(error)", hint: "check that the server is up and reachable, then try again")
        }
        guard error.code == .server, let info = error.serverInfo else {
            let cause = error.underlying.map { ": \($0)" } ?? ""
            switch error.code {
            case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
                return StoreError(.failed, message: "\(place): authentication failed (\(error.code))", hint: "check the user name and password in the URL")
            case .sslUnsupported:
                return StoreError(.unavailable, message: "\(place): the server does not offer TLS", hint: "use sslmode=disable, or enable ssl on the server")
            default:
                return StoreError(
                    .unavailable, message: "\(place): the connection failed (\(error.code)\(cause))",
                    hint: "check that the server is up and reachable; nothing of an unacknowledged batch was stored, so apply it again")
            }
        }
        let state = info[.sqlState] ?? "?????"
        let message = "\(place): \(info[.message] ?? "server error") (SQLSTATE \(state))"
        switch state {
        case staleRead, "23505", "40001", "40P01":
            // A stale read, an event id or new customer another writer stored first, a
            // serialization failure, a deadlock: all mean "apply the batch again".
            return StoreError(.conflict, message: message, hint: "another writer changed the same customers or stored the same events first; apply the batch again")
        case "53100":
            return StoreError(.full, message: message, hint: "free disk space on the server and apply the batch again; nothing of it was stored")
        case "25006":
            return StoreError(.readOnly, message: message, hint: "connect to the primary, not a read-only replica or a read-only transaction setting")
        case "28P01", "28000":
            return StoreError(.failed, message: message, hint: "check the user name and password in the URL")
        case "3D000":
            return StoreError(.failed, message: message, hint: "create the database first (createdb), or fix its name in the URL")
        case "42501":
            return StoreError(.readOnly, message: message, hint: "grant the user the right to create and write the store's tables in its schema")
        default:
            if state.hasPrefix("57P") || state.hasPrefix("08") || state.hasPrefix("53") {
                return StoreError(.unavailable, message: message, hint: "the server is restarting or overloaded; nothing of an unacknowledged batch was stored, so apply it again")
            }
            return StoreError(.failed, message: message)
        }
    }
}
#endif
