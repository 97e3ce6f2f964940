/// Which addresses an `HTTPClient` may connect to. Checked on the address libcurl actually connects
/// to (after resolution, on every connect and on every reuse), so a name that resolves to a public
/// address at validation time and to 127.0.0.1 at send time (DNS rebinding) is still refused.
public enum DestinationPolicy: Sendable, Equatable {
    /// Anything: channels and the local stack, whose addresses come from our own configuration.
    case any
    /// Only globally routable unicast addresses: merchant webhooks in production mode, whose URLs
    /// come from merchants and must not reach our own network (docs/API.md section 8).
    case publicOnly
    /// Only this host's loopback: merchant webhooks in local mode (docs/API.md section 8: "the
    /// local stack allows http to 127.0.0.1"), so a notify_url can never reach another machine of
    /// the network the stack runs in, a private address or the cloud's metadata service.
    case loopbackOnly

    public func allows(_ address: IPAddress) -> Bool {
        switch self {
        case .any: return true
        case .publicOnly: return address.isPubliclyRoutable
        case .loopbackOnly: return address.isLoopback
        }
    }
}

/// An IP address as raw bytes in network order, as libcurl hands it to us.
public enum IPAddress: Sendable, Equatable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// Parses dotted IPv4 or textual IPv6 (no zone suffix); `nil` for anything else.
    public init?(_ text: String) {
        if let v4 = IPAddress.parseV4(text) {
            self = .v4(v4)
        } else if let v6 = IPAddress.parseV6(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2)
                .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
    }

    /// False for loopback, private, link-local, unspecified, shared (CGNAT), documentation,
    /// benchmark, multicast and reserved ranges, and for IPv6 forms that embed such an IPv4
    /// address (IPv4-mapped, IPv4-compatible, NAT64, 6to4), since those reach the same hosts.
    public var isPubliclyRoutable: Bool {
        switch self {
        case .v4(let value): return IPAddress.isPublicV4(value)
        case .v6(let bytes): return IPAddress.isPublicV6(bytes)
        }
    }

    /// 127.0.0.0/8, ::1, and 127.0.0.0/8 written IPv4-mapped (::ffff:127.x.y.z), which reaches
    /// the same host.
    public var isLoopback: Bool {
        switch self {
        case .v4(let value): return value >> 24 == 0x7F
        case .v6(let bytes):
            let firstTen = bytes[0..<10].allSatisfy { $0 == 0 }
            if firstTen && bytes[10] == 0xFF && bytes[11] == 0xFF { return bytes[12] == 0x7F }
            return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
        }
    }

    /// (network, prefix length) pairs that are not public IPv4 destinations.
    private static let nonPublicV4: [(UInt32, UInt32)] = [
        (0x0000_0000, 8),  // 0/8 "this network", 0.0.0.0 included
        (0x0A00_0000, 8),  // 10/8 private
        (0x6440_0000, 10),  // 100.64/10 shared address space (carrier NAT)
        (0x7F00_0000, 8),  // 127/8 loopback
        (0xA9FE_0000, 16),  // 169.254/16 link-local (cloud metadata lives here)
        (0xAC10_0000, 12),  // 172.16/12 private
        (0xC000_0000, 24),  // 192.0.0/24 IETF protocol assignments
        (0xC000_0200, 24),  // 192.0.2/24 documentation
        (0xC0A8_0000, 16),  // 192.168/16 private
        (0xC612_0000, 15),  // 198.18/15 benchmarking
        (0xC633_6400, 24),  // 198.51.100/24 documentation
        (0xCB00_7100, 24),  // 203.0.113/24 documentation
        (0xE000_0000, 4),  // 224/4 multicast
        (0xF000_0000, 4),  // 240/4 reserved, broadcast included
    ]

    static func isPublicV4(_ value: UInt32) -> Bool {
        !nonPublicV4.contains { network, length in value >> (32 - length) == network >> (32 - length) }
    }

    static func isPublicV6(_ bytes: [UInt8]) -> Bool {
        precondition(bytes.count == 16, "an IPv6 address has 16 bytes")
        func embeddedV4(at offset: Int) -> UInt32 {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let firstTen = bytes[0..<10].allSatisfy { $0 == 0 }
        if firstTen && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return isPublicV4(embeddedV4(at: 12))  // ::ffff:a.b.c.d, IPv4-mapped
        }
        if firstTen && bytes[10] == 0 && bytes[11] == 0 {
            return false  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        }
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
            return isPublicV4(embeddedV4(at: 12))  // 64:ff9b::/96, NAT64
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 {
            return isPublicV4(embeddedV4(at: 2))  // 2002::/16, 6to4
        }
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local (private)
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 old site-local
        if bytes[0] == 0xFF { return false }  // ff00::/8 multicast
        if bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return false }  // 2001:db8::/32 documentation
        if bytes[0..<8] == [0x01, 0x00, 0, 0, 0, 0, 0, 0] { return false }  // 100::/64 discard
        return true
    }
}
