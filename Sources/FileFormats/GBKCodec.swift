#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GBK text through glibc's iconv: the one place that calls it. Alipay's and UnionPay's
/// statements are GBK; everything inside paygate is UTF-8.
///
/// A codec holds one iconv descriptor, which is stateful: one codec per reader or writer, never
/// shared between threads (hence not `Sendable`).
public final class GBKCodec {
    public enum Direction: Sendable { case decode, encode }

    private let descriptor: iconv_t
    private let direction: Direction

    public init(_ direction: Direction) {
        self.direction = direction
        let (target, source) = direction == .decode ? ("UTF-8", "GBK") : ("GBK", "UTF-8")
        let descriptor = iconv_open(target, source)
        // glibc always ships GBK; its absence is a broken installation.
        guard let descriptor, descriptor != UnsafeMutableRawPointer(bitPattern: -1) else {
            preconditionFailure("iconv cannot convert \(source) to \(target): errno \(errno)")
        }
        self.descriptor = descriptor
    }

    deinit {
        iconv_close(descriptor)
    }

    /// GBK bytes to text; bytes that are not GBK are an error, never replaced.
    public func decode(_ bytes: [UInt8]) throws(FileFormatError) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }  // ASCII is the same in both
        return String(decoding: try convert(bytes), as: UTF8.self)
    }

    /// Text to GBK; a character GBK lacks is an error unless `replacingWith` is given.
    public func encode(_ text: String, replacingWith replacement: UInt8? = nil) throws(FileFormatError) -> [UInt8] {
        let bytes = Array(text.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes }
        do {
            return try convert(bytes)
        } catch {
            guard let replacement else { throw error }
            var output: [UInt8] = []
            for character in text {
                output += (try? convert(Array(String(character).utf8))) ?? [replacement]
            }
            return output
        }
    }

    /// True for bytes that hold non-ASCII text and are valid UTF-8: text that should have been
    /// GBK. GBK's two-byte characters almost never form valid UTF-8 (a GBK lead byte followed by
    /// 0x40-0x7E is not UTF-8 at all), so this tells the two apart where iconv cannot (most UTF-8
    /// byte pairs are also valid GBK, so decoding them as GBK "succeeds" with wrong characters).
    public static func looksLikeUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.contains(where: { $0 >= 0x80 }) && String(validating: bytes, as: UTF8.self) != nil
    }

    public static func decode(_ bytes: [UInt8]) throws(FileFormatError) -> String {
        try GBKCodec(.decode).decode(bytes)
    }

    public static func encode(_ text: String, replacingWith replacement: UInt8? = nil) throws(FileFormatError) -> [UInt8] {
        try GBKCodec(.encode).encode(text, replacingWith: replacement)
    }

    private func convert(_ input: [UInt8]) throws(FileFormatError) -> [UInt8] {
        // Reset the shift state left by an earlier failed call.
        iconv(descriptor, nil, nil, nil, nil)
        // UTF-8 to GBK never grows; GBK to UTF-8 at most 3/2, plus room for a reset sequence.
        var output = [UInt8](repeating: 0, count: input.count * 2 + 8)
        var input = input
        var failure: Int32 = 0
        var written = 0
        input.withUnsafeMutableBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                var inPointer = inBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { failure = errno }
                written = outBuffer.count - outLeft
            }
        }
        guard failure == 0 else {
            let what = direction == .decode ? "not GBK" : "not representable in GBK"
            throw FileFormatError(.encoding, "text is \(what) (errno \(failure))")
        }
        output.removeSubrange(written...)
        return output
    }
}
