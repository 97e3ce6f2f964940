/// The FastCGI parameters paygate uses, copied out of libfcgi's buffers (which die at finish).
public struct FastCGIParameters: Sendable {
    public var method = ""
    public var requestURI = ""
    /// From CONTENT_LENGTH; nil when absent or not a number.
    public var contentLength: Int?
    public var remoteAddress = ""
    public var requestId = ""
    /// Every `HTTP_*` parameter lower-cased with `_` turned into `-`, plus "content-type".
    public var headers: [String: String] = [:]

    public init() {}

    /// Reads one `NAME=value` entry of the FastCGI environment.
    mutating func add(entry: UnsafePointer<CChar>) {
        entry.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
            var equals = 0
            while bytes[equals] != 0 && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
            guard bytes[equals] != 0 else { return }
            var end = equals + 1
            while bytes[end] != 0 { end += 1 }
            let name = UnsafeBufferPointer(start: bytes, count: equals)
            let valueBytes = UnsafeBufferPointer(start: bytes + equals + 1, count: end - equals - 1)
            add(name: name, value: valueBytes)
        }
    }

    private mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        if name.count > 5, name[0] == UInt8(ascii: "H"), Self.hasPrefix(name, "HTTP_") {
            let headerName = Self.headerName(UnsafeBufferPointer(rebasing: name[5...]))
            headers[headerName] = String(decoding: value, as: UTF8.self)
            return
        }
        // Dispatch on the name's length first: most of nginx's parameters are never compared.
        switch name.count {
        case 10 where Self.equals(name, "REQUEST_ID"):
            requestId = String(decoding: value, as: UTF8.self)
        case 11 where Self.equals(name, "REQUEST_URI"):
            requestURI = String(decoding: value, as: UTF8.self)
        case 11 where Self.equals(name, "REMOTE_ADDR"):
            remoteAddress = String(decoding: value, as: UTF8.self)
        case 12 where Self.equals(name, "CONTENT_TYPE"):
            if !value.isEmpty { headers["content-type"] = String(decoding: value, as: UTF8.self) }
        case 14 where Self.equals(name, "REQUEST_METHOD"):
            method = String(decoding: value, as: UTF8.self)
        case 14 where Self.equals(name, "CONTENT_LENGTH"):
            contentLength = Self.decimal(value)
        default:
            break
        }
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        let p = prefix.utf8Start
        for i in 0..<prefix.utf8CodeUnitCount where bytes[i] != p[i] { return false }
        return true
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && hasPrefix(bytes, text)
    }

    /// `CONTENT_TYPE` → `content-type`, built in place without intermediate strings.
    private static func headerName(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { target in
            for i in 0..<bytes.count {
                let byte = bytes[i]
                switch byte {
                case UInt8(ascii: "_"): target[i] = UInt8(ascii: "-")
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): target[i] = byte + 32
                default: target[i] = byte
                }
            }
            return bytes.count
        }
    }

    /// Plain decimal digits only; nginx never sends a sign or spaces. Over 18 digits is refused
    /// rather than overflowing.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var result = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }
}
