import COpenSSL

/// The funnel for OpenSSL failures: every failed call reads the thread's error queue at once.
///
/// OpenSSL keeps its errors in a per-thread queue. Reading it right after the failing call,
/// on the same thread, is what ties the text to the failure; draining it keeps a stale entry
/// from being blamed on a later, unrelated call.
enum OpenSSLErrorQueue {
    /// ERR_error_string_n needs at least 120 bytes; 256 leaves room for long provider names.
    static let messageBytesMax = 256

    /// Builds a CryptoError from `what` failed plus OpenSSL's first queued reason, if any.
    static func error(_ code: CryptoError.Code, _ what: String) -> CryptoError {
        let reason = drain()
        return CryptoError(code, reason.map { "\(what): \($0)" } ?? what)
    }

    /// Empties the queue and returns the text of the earliest error, which names the cause.
    static func drain() -> String? {
        let first = ERR_get_error()
        guard first != 0 else {
            return nil
        }
        while ERR_get_error() != 0 {}
        var buffer = [CChar](repeating: 0, count: messageBytesMax)
        buffer.withUnsafeMutableBufferPointer { pointer in
            ERR_error_string_n(first, pointer.baseAddress, pointer.count)
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
