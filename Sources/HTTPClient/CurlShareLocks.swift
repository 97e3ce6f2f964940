import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mutexes libcurl takes around the data of one share handle: one per `curl_lock_data` kind,
/// so a DNS lookup never waits for a thread attaching a handle (CURL_LOCK_DATA_SHARE). libcurl
/// calls the two C callbacks below with `mutexes` as its user data; they must not capture anything.
///
/// Every access is exclusive, CURL_LOCK_ACCESS_SHARED included: libcurl 7.88 asks for shared
/// access only around the public suffix list, which this share does not hold.
final class CurlShareLocks {
    /// One mutex for each value of `curl_lock_data` below CURL_LOCK_DATA_LAST.
    static let kindCount = Int(CURL_LOCK_DATA_LAST.rawValue)

    /// Heap memory: a pthread mutex must not move, and libcurl keeps this address.
    let mutexes: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutexes = .allocate(capacity: CurlShareLocks.kindCount)
        for kind in 0..<CurlShareLocks.kindCount {
            precondition(pthread_mutex_init(mutexes + kind, nil) == 0, "pthread_mutex_init failed")
        }
    }

    /// Only after curl_share_cleanup succeeded: libcurl takes CURL_LOCK_DATA_SHARE inside it.
    deinit {
        for kind in 0..<CurlShareLocks.kindCount {
            pthread_mutex_destroy(mutexes + kind)
        }
        mutexes.deallocate()
    }

    private static func mutex(_ userData: UnsafeMutableRawPointer?, _ kind: curl_lock_data) -> UnsafeMutablePointer<pthread_mutex_t> {
        // A kind outside the table would be a libcurl newer than these headers: stop, never guess.
        precondition(Int(kind.rawValue) < kindCount, "curl_lock_data \(kind.rawValue) out of range")
        return userData!.assumingMemoryBound(to: pthread_mutex_t.self) + Int(kind.rawValue)
    }

    /// CURLSHOPT_LOCKFUNC. Locking a live default mutex does not fail; a failure means the share
    /// was used after its destruction, a broken invariant, so it stops the process.
    static let lock: curl_lock_function = { _, kind, _, userData in
        precondition(pthread_mutex_lock(CurlShareLocks.mutex(userData, kind)) == 0, "share lock failed")
    }

    /// CURLSHOPT_UNLOCKFUNC.
    static let unlock: curl_unlock_function = { _, kind, userData in
        precondition(pthread_mutex_unlock(CurlShareLocks.mutex(userData, kind)) == 0, "share unlock failed")
    }
}
