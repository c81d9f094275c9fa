import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error (done and total, events per second, time left),
/// drawn only when standard error is a terminal, at most five times a second.
struct ProgressBar {
    let total: Int
    let enabled: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDrawn: ContinuousClock.Instant?
    private var drawn = false

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && isatty(STDERR_FILENO) != 0 && total > 0
        start = clock.now
    }

    mutating func update(done: Int) {
        guard enabled else { return }
        let now = clock.now
        if let lastDrawn, now - lastDrawn < .milliseconds(200), done < total { return }
        lastDrawn = now
        drawn = true
        FileHandle.standardError.write(Data(("\r" + Self.line(done: done, total: total, seconds: Self.seconds(now - start))).utf8))
    }

    mutating func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    /// "[#########-----------]  45%  12,345 of 27,000 events  3,210 events/s  4 s left"
    static func line(done: Int, total: Int, seconds: Double) -> String {
        let share = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let width = 24
        let filled = Int((share * Double(width)).rounded(.down))
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        return "\(bar) \(String(format: "%3d", Int(share * 100)))%  \(done) of \(total) events  \(Int(rate.rounded())) events/s  \(Int(left.rounded(.up))) s left   "
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
