import Foundation
import GRDB
import Synchronization

/// How long a store's connections wait for a lock another connection holds: up to the store's
/// busy timeout, but at most a second while the store is being opened.
///
/// Processes creating the same new database at once can each end up holding a lock the other
/// waits for (switching the file to WAL mode, creating the tables); both would wait out the
/// whole timeout and fail. While opening, a short wait makes one give up soon, let go of its
/// locks and open again (``SQLiteStore/init(path:busyTimeout:)`` does so), and the other goes on.
final class BusyWait: Sendable {
    /// How long each try sleeps before SQLite tries the lock again.
    static let step: TimeInterval = 0.005
    private let opening = Atomic<Bool>(true)
    private let timeout: TimeInterval

    init(timeout: TimeInterval) {
        self.timeout = timeout
    }

    /// The busy mode for the store's configuration.
    var mode: Database.BusyMode {
        .callback { [self] tries in self.waitAgain(after: tries) }
    }

    /// From now on, connections wait the whole timeout.
    func opened() { opening.store(false, ordering: .relaxed) }

    private func waitAgain(after tries: Int) -> Bool {
        let limit = opening.load(ordering: .relaxed) ? min(1, timeout) : timeout
        guard Double(tries) * Self.step < limit else { return false }
        Thread.sleep(forTimeInterval: Self.step)
        return true
    }
}
