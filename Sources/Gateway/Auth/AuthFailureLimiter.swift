import PaygateCore
import Synchronization

/// The failed authentications of each client address in its current window: the pure rule of
/// `AuthFailuresConfiguration`, given the time. An address is refused once it has failed
/// `failuresMax` times in a window that began at its first counted failure; the window's end
/// forgives it. At most `addressCountMax` addresses are remembered, least recently failing first
/// out, so a flood of addresses costs bounded memory (and forgets the quiet ones, not the busy).
struct AuthFailureTable {
    /// Addresses remembered per worker process (a few hundred kilobytes at most).
    static let addressCountMax = 10_000

    struct Window: Equatable {
        var startedSeconds: Int64
        var failures: Int
    }

    let failuresMax: Int
    let windowSeconds: Int64
    let exemptAddresses: Set<String>
    private var windows = LRUCache<String, Window>(capacity: AuthFailureTable.addressCountMax)

    init(_ configuration: AuthFailuresConfiguration) {
        failuresMax = configuration.failuresMax
        windowSeconds = Int64(configuration.windowSeconds)
        exemptAddresses = Set(configuration.exemptAddresses)
    }

    /// True when `address` has used up its failures in its current window.
    mutating func isRefused(_ address: String, nowSeconds: Int64) -> Bool {
        guard !exemptAddresses.contains(address), let window = windows.value(for: address) else { return false }
        return nowSeconds - window.startedSeconds < windowSeconds && window.failures >= failuresMax
    }

    mutating func recordFailure(_ address: String, nowSeconds: Int64) {
        guard !exemptAddresses.contains(address) else { return }
        var window = windows.value(for: address) ?? Window(startedSeconds: nowSeconds, failures: 0)
        if nowSeconds - window.startedSeconds >= windowSeconds { window = Window(startedSeconds: nowSeconds, failures: 0) }
        window.failures += 1
        windows.set(window, for: address)
    }

    /// The window `address` is in, if remembered (for tests).
    mutating func window(of address: String) -> Window? { windows.value(for: address) }
}

/// One `AuthFailureTable` shared by the threads of a worker process.
final class AuthFailureLimiter: Sendable {
    private let table: Mutex<AuthFailureTable>

    init(_ configuration: AuthFailuresConfiguration) {
        table = Mutex(AuthFailureTable(configuration))
    }

    func isRefused(_ address: String, nowSeconds: Int64) -> Bool {
        table.withLock { $0.isRefused(address, nowSeconds: nowSeconds) }
    }

    func recordFailure(_ address: String, nowSeconds: Int64) {
        table.withLock { $0.recordFailure(address, nowSeconds: nowSeconds) }
    }
}
