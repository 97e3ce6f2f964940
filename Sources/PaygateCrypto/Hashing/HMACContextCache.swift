import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HMAC-SHA256 `EVP_MAC_CTX` per thread, created on the thread's first HMAC.
///
/// OpenSSL contexts must not be shared between threads; creating one per call costs an
/// allocation plus a digest lookup by name. A pthread key holds each thread's context and
/// frees it when the thread exits, so the pool's long-lived threads set up their context
/// once. Nothing here is shared mutable state: each slot is only touched by its own thread.
enum HMACContextCache {
    /// `pthread_key_t` is a plain integer; the key is created once, on first use.
    private static let slot: pthread_key_t = {
        var slot = pthread_key_t()
        let status = pthread_key_create(&slot) { context in
            // Runs at thread exit; EVP_MAC_CTX_free clears the key copy it holds.
            EVP_MAC_CTX_free(OpaquePointer(context))
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return slot
    }()

    static func contextForCurrentThread() -> OpaquePointer {
        if let existing = pthread_getspecific(slot) {
            return OpaquePointer(existing)
        }
        guard let context = paygate_hmac_sha256_context_new(Algorithms.shared.hmac) else {
            preconditionFailure("cannot create an HMAC context: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
        }
        let status = pthread_setspecific(slot, UnsafeRawPointer(context))
        precondition(status == 0, "pthread_setspecific failed: \(status)")
        return context
    }
}
