import COpenSSL

/// The OpenSSL algorithm objects PaygateCrypto uses, fetched once per process.
///
/// In OpenSSL 3 every lookup by name (`EVP_sha256()` used in an init call, `HMAC()`,
/// `EVP_Q_mac`) goes through the provider store and its lock; fetching once and passing the
/// fetched object to every init call avoids that cost on the hot path. Fetched `EVP_MD`,
/// `EVP_MAC` and `EVP_CIPHER` objects are immutable and documented as safe to share between
/// threads, which is why this type may be `@unchecked Sendable`. They are never freed: they
/// live as long as the process.
struct Algorithms: @unchecked Sendable {
    let sha256: OpaquePointer
    /// Only to check files a channel publishes with a SHA-1 (WeChat Pay's statements); never to
    /// sign or authenticate anything.
    let sha1: OpaquePointer
    let hmac: OpaquePointer
    let aes256GCM: OpaquePointer

    /// Swift initializes a global `let` exactly once, under a lock, on first use.
    static let shared = Algorithms()

    private init() {
        // A missing algorithm means a broken OpenSSL installation or configuration: nothing
        // in this process could authenticate a request, so stopping is the only safe answer.
        guard let sha256 = EVP_MD_fetch(nil, "SHA256", nil) else {
            preconditionFailure("OpenSSL has no SHA256: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
        }
        guard let sha1 = EVP_MD_fetch(nil, "SHA1", nil) else {
            preconditionFailure("OpenSSL has no SHA1: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
        }
        guard let hmac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            preconditionFailure("OpenSSL has no HMAC: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
        }
        guard let aes256GCM = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
            preconditionFailure("OpenSSL has no AES-256-GCM: \(OpenSSLErrorQueue.drain() ?? "no reason given")")
        }
        self.sha256 = sha256
        self.sha1 = sha1
        self.hmac = hmac
        self.aes256GCM = aes256GCM
    }
}
