import PaygateCrypto

/// Random certificate serial numbers of a fixed length.
enum SerialNumber {
    /// The first byte is 0x10...0x7F, the rest random: the serial is positive (DER adds no sign
    /// byte), never zero, and always `bytes` long, so its hex form has a fixed length.
    static func random(bytes: Int) throws(SetupError) -> [UInt8] {
        precondition(
            bytes >= 1 && bytes <= X509Certificate.serialNumberBytesMax,
            "a serial number has 1 to \(X509Certificate.serialNumberBytesMax) bytes")
        let random = try SetupFiles.crypto("drawing a serial number") { () throws(CryptoError) in try SecureRandom.bytes(bytes) }
        let firstRange = UInt8(0x10)...UInt8(0x7F)
        let first = firstRange.lowerBound + random[0] % UInt8(firstRange.count)
        return [first] + random.dropFirst()
    }
}
