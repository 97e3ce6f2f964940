import PaygateCore
import PaygateCrypto

/// The period a channel certificate may be used in: its notBefore...notAfter, both included, to
/// the second (X.509 times have no finer grain). A key read from a certificate verifies only
/// within it, so a certificate that expires while the process runs stops verifying at that very
/// second, not at the next reload.
public struct CertificateValidity: Sendable, Equatable, CustomStringConvertible {
    public let notBefore: Timestamp
    public let notAfter: Timestamp

    public init(notBefore: Timestamp, notAfter: Timestamp) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    public init(_ certificate: X509Certificate) {
        notBefore = Timestamp(secondsSinceEpoch: certificate.notBeforeUnixSeconds)
        notAfter = Timestamp(secondsSinceEpoch: certificate.notAfterUnixSeconds)
    }

    public func contains(_ now: Timestamp) -> Bool {
        notBefore.secondsSinceEpoch <= now.secondsSinceEpoch && now.secondsSinceEpoch <= notAfter.secondsSinceEpoch
    }

    /// "valid from 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z": for errors that name a certificate.
    public var description: String {
        "valid from \(notBefore.rfc3339) to \(notAfter.rfc3339)"
    }
}
