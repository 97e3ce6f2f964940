import COpenSSL

/// Moves bytes between Swift arrays and OpenSSL memory BIOs, the input and output of the PEM
/// and DER functions. Every BIO lives only for one call.
enum MemoryBIO {
    /// Key and certificate files are a few kilobytes; the bound keeps a wrong file (a log, a
    /// dump) from being handed to the parsers, and every length inside OpenSSL's `int`.
    static let inputBytesMax = 1 << 20

    /// Lends `body` a read-only BIO over `bytes`, without copying them.
    static func reading<Result>(
        _ bytes: [UInt8],
        failure: CryptoError.Code,
        _ body: (OpaquePointer) throws(CryptoError) -> Result
    ) throws(CryptoError) -> Result {
        guard !bytes.isEmpty else {
            throw CryptoError(failure, "the input is empty")
        }
        guard bytes.count <= inputBytesMax else {
            throw CryptoError(.inputTooLarge, "\(bytes.count) bytes of input exceed the limit of \(inputBytesMax)")
        }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(CryptoError) in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw OpenSSLErrorQueue.error(failure, "BIO_new_mem_buf failed")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote; `write` returns
    /// OpenSSL's status, where 1 is success. `secure` selects the BIO whose buffer OpenSSL
    /// clears when it frees it: use it for private keys.
    static func writing(secure: Bool, _ operation: String, _ write: (OpaquePointer) -> Int32) throws(CryptoError) -> [UInt8] {
        guard let bio = BIO_new(secure ? BIO_s_secmem() : BIO_s_mem()) else {
            throw OpenSSLErrorQueue.error(.exportFailed, "BIO_new failed")
        }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else {
            throw OpenSSLErrorQueue.error(.exportFailed, "\(operation) failed")
        }
        var data: UnsafeMutablePointer<CChar>? = nil
        let count = paygate_bio_mem_data(bio, &data)
        guard count > 0, let data else {
            throw OpenSSLErrorQueue.error(.exportFailed, "\(operation) wrote nothing")
        }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }
}
