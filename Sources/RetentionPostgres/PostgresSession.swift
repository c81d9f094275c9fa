#if Postgres
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import RetentionKit
import Synchronization

/// One connection to the server, used by one operation at a time, opened again after it
/// drops. ``RetentionStore``'s methods are synchronous; this waits on postgres-nio's futures
/// from the caller's thread (never an event loop, never Swift concurrency's pool), so a store
/// can be called from any plain thread.
final class PostgresSession: Sendable {
    let address: PostgresAddress
    private let logger: Logger
    private let connection = Mutex<PostgresConnection?>(nil)
    private let connectionIDs = Atomic<Int>(0)

    init(address: PostgresAddress, logger: Logger) {
        self.address = address
        self.logger = logger
    }

    deinit {
        // Not waited for (the last reference may go away anywhere, even on an event loop); the
        // callback keeps the connection alive until it is closed, as postgres-nio requires.
        connection.withLock { connection in
            guard let open = connection else { return }
            (open.close() as EventLoopFuture<Void>).whenComplete { _ in withExtendedLifetime(open) {} }
        }
    }

    /// Runs `body` on the connection (opening it when needed); a failure is a ``StoreError``
    /// that names the server and what was being done, and a connection that failed is
    /// dropped so the next operation opens a new one.
    ///
    /// A connection the server closed while it sat idle is often noticed only when the next
    /// statement is sent; postgres-nio then refuses the statement without sending it
    /// (`clientClosedConnection`), and `body` runs once more on a new connection. That is safe
    /// for a commit too: statements of it that did go out were on the closed connection, whose
    /// transaction the server rolled back, and its `COMMIT` was the one refused.
    func run<T: Sendable>(_ doing: String, _ body: (Operation) throws -> T) throws(StoreError) -> T {
        do {
            return try connection.withLock { (current: inout PostgresConnection?) throws -> T in
                do {
                    return try runOnce(&current, body)
                } catch let error as PSQLError where error.code == .clientClosedConnection {
                    return try runOnce(&current, body)
                }
            }
        } catch {
            throw PostgresErrors.storeError(error, address: address, doing: doing)
        }
    }

    private func runOnce<T: Sendable>(_ current: inout PostgresConnection?, _ body: (Operation) throws -> T) throws -> T {
        let live: PostgresConnection
        if let current, !current.isClosed {
            live = current
        } else {
            current = nil
            live = try open()
            current = live
        }
        do {
            return try body(Operation(connection: live, logger: logger))
        } catch {
            if PostgresErrors.isConnectionLost(error) {
                _ = try? live.close().wait()
                current = nil
            }
            throw error
        }
    }

    private func open() throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS
        switch address.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.username, password: address.password, database: address.database,
            tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        // The store's tables are looked up in its schema; operators see which store a session serves.
        configuration.options.additionalStartupParameters = [
            ("search_path", address.schema), ("application_name", String("RetentionKit/\(address.schema)".prefix(63))),
        ]
        let id = connectionIDs.add(1, ordering: .relaxed).newValue
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger
        ).wait()
    }

    /// What an operation can do with the connection: send statements, and wait.
    struct Operation {
        let connection: PostgresConnection
        let logger: Logger

        /// Sends a statement without waiting for it: statements sent one after another are
        /// queued on the connection, and a transaction's statements can go out together.
        func send(_ query: PostgresQuery) -> EventLoopFuture<PostgresQueryResult> {
            connection.query(query, logger: logger)
        }

        /// Runs a statement and returns its rows.
        @discardableResult
        func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
            try wait(for: send(query))
        }

        /// Waits for one statement's result. A statement written to a connection that closed
        /// in the same instant can be dropped by the channel without its future ever being
        /// answered; so while waiting, the connection is looked at every second, and once it is
        /// closed the wait ends with ``ConnectionLost``. A statement that merely takes long
        /// (waiting for another writer's commit) is waited for as long as it takes.
        func wait(for future: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
            let loop = future.eventLoop
            let outcome = loop.makePromise(of: PostgresQueryResult.self)
            let settled = OnceFlag()
            future.whenComplete { result in
                if settled.settle() { outcome.completeWith(result) }
            }
            let connection = self.connection
            let watchdog = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
                guard connection.isClosed else { return }
                if settled.settle() { outcome.fail(ConnectionLost()) }
                task.cancel()
            }
            defer { watchdog.cancel() }
            return try outcome.futureResult.wait()
        }

        /// Waits for statements sent together and returns their results, or throws the first
        /// failure (a failed statement aborts its transaction on the server, and the ones
        /// after it fail too, so the first failure is the cause).
        func wait(_ sent: [EventLoopFuture<PostgresQueryResult>]) throws -> [PostgresQueryResult] {
            var results: [PostgresQueryResult] = []
            var firstError: (any Error)?
            for future in sent {
                do {
                    results.append(try wait(for: future))
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return results
        }
    }
}
/// Lets exactly one of two racing callbacks complete a promise.
final class OnceFlag: Sendable {
    private let done = Atomic<Bool>(false)

    /// True for the first caller only.
    func settle() -> Bool {
        done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}

/// The connection closed while a statement waited for its answer: whether the server ran it is
/// unknown, so the operation fails as `unavailable` (a commit's batch is then applied again,
/// and whatever of it was stored comes back as duplicates).
struct ConnectionLost: Error, CustomStringConvertible {
    var description: String { "the connection closed before the server answered" }
}
#endif
