#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions from the C forms libcurl hands to its callbacks: text (`CURLOPT_PREREQFUNCTION`)
/// and `struct sockaddr` (`CURLOPT_OPENSOCKETFUNCTION`).
extension IPAddress {
    static func parseV4(_ text: String) -> UInt32? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return UInt32(bigEndian: address.s_addr)
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// `length` is the number of valid bytes at `socketAddress`; `nil` for families other than
    /// IPv4 and IPv6 (a policy then refuses the connection).
    init?(socketAddress: UnsafeRawPointer, length: Int) {
        let familyOffset = MemoryLayout<sockaddr>.offset(of: \.sa_family)!
        guard length >= familyOffset + MemoryLayout<sa_family_t>.size else { return nil }
        let family = Int32(socketAddress.loadUnaligned(fromByteOffset: familyOffset, as: sa_family_t.self))
        if family == AF_INET, length >= MemoryLayout<sockaddr_in>.size {
            let v4 = socketAddress.loadUnaligned(as: sockaddr_in.self)
            self = .v4(UInt32(bigEndian: v4.sin_addr.s_addr))
        } else if family == AF_INET6, length >= MemoryLayout<sockaddr_in6>.size {
            var v6 = socketAddress.loadUnaligned(as: sockaddr_in6.self)
            self = .v6(withUnsafeBytes(of: &v6.sin6_addr) { Array($0) })
        } else {
            return nil
        }
    }
}
