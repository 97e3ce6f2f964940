/// Runs `body` over the bytes of `collection` without copying when they are already
/// contiguous (arrays, native strings' UTF-8 views), and over a temporary copy otherwise.
@inline(__always)
func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
    _ collection: Bytes,
    _ body: (UnsafeRawBufferPointer) -> Result
) -> Result {
    if let result = collection.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(collection).withUnsafeBytes(body)
}

extension UnsafeRawBufferPointer {
    /// The start as the `unsigned char *` OpenSSL takes; nil for an empty buffer.
    var unsignedChars: UnsafePointer<UInt8>? {
        baseAddress?.assumingMemoryBound(to: UInt8.self)
    }
}
