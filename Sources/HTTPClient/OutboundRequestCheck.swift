/// Checks made before a request reaches libcurl. libcurl would pass a CR or LF in a header value
/// straight to the wire, where it would start a new header or request (header injection).
enum OutboundRequestCheck {
    /// Longest method name accepted; real ones are at most 7 letters.
    static let methodBytesMax = 16

    /// A sentence naming the problem (never the offending value, which may be a secret), or nil.
    static func problem(in request: OutboundRequest) -> String? {
        let method = request.method.utf8
        guard !method.isEmpty, method.count <= methodBytesMax, method.allSatisfy(isLetter) else {
            return "the method is not a plain HTTP method name"
        }
        guard !request.url.utf8.contains(where: isControl) else {
            return "the URL contains a control character"
        }
        for (index, header) in request.headers.enumerated() {
            guard !header.0.isEmpty, header.0.utf8.allSatisfy(isTokenByte) else {
                return "header \(index) has an invalid name"
            }
            guard !header.1.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                return "header \(header.0) has a CR, LF or NUL in its value"
            }
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        if isLetter(byte) || (0x30...0x39).contains(byte) { return true }
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
