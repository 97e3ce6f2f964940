import Channels
import Foundation
import HTTPClient
import PaygateCore
import PaygateCrypto

/// The channels' statements, fetched with their connectors (signed requests, the channel's own
/// answer) on a client of their own: a statement download may take minutes and hold hundreds
/// of megabytes, which no payment call may. The file goes to disk as it arrives and is kept.
public final class LiveStatements: StatementSource {
    /// A day's file larger than this is refused (1,000,000 lines of CSV are about 250 MB).
    public static let fileBytesMax = 2 << 30
    /// The first answer: UnionPay's holds the whole file, Base64 of a compressed archive.
    public static let answerBytesMax = 512 << 20
    public static let totalTimeoutMilliseconds = 600_000
    static let digestChunkBytes = 1 << 16

    let runtime: ChannelRuntime
    let log: Log
    private let client: HTTPClient

    public init(runtime: ChannelRuntime, log: Log) {
        self.runtime = runtime
        self.log = log
        var configuration = runtime.client
        configuration.totalTimeoutMilliseconds = Self.totalTimeoutMilliseconds
        configuration.responseBodyBytesMax = Self.answerBytesMax
        client = HTTPClient(configuration: configuration, share: nil)
    }

    public func fetch(
        _ channel: Channel, day: StatementDay, into directory: String, requestId: String
    ) throws(ReconError)
        -> StatementFile
    {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReconError(.storage, "cannot create \(directory): \(error)")
        }
        // Every run keeps the file it was given: a rerun's evidence never replaces an earlier one's.
        let path = directory + "/" + day.text + "." + String(Timestamp.now().millisecondsSinceEpoch)
        return try download(channel, day: day, to: path, requestId: requestId)
    }

    /// The statement of (channel, day) written to `path` as it arrives (mode 0600), with our
    /// digest of it; a nil path in the answer when the channel has none for the day.
    public func download(_ channel: Channel, day: StatementDay, to path: String, requestId: String) throws(ReconError) -> StatementFile {
        guard let connector = runtime.connectors[channel] else { throw ReconError(.notConfigured, "\(channel.rawValue) is not configured") }
        let request: OutboundRequest
        do { request = try connector.statementRequest(day: day.text, now: .now()) } catch {
            throw ReconError(.notConfigured, "cannot build the statement request: \(error.message)")
        }
        let answer: ChannelResponse
        switch client.send(request) {
        case .failure(let failure): throw ReconError(.unavailable, "\(channel.rawValue) statement request: \(failure)")
        case .response(let status, let headers, let body, _): answer = ChannelResponse(status: status, headers: headers, body: body)
        }
        let download: StatementDownload
        do { download = try connector.statementDownload(answer, now: .now()) } catch {
            throw ReconError(error.code == .badStatement ? .badStatement : .unavailable, "\(channel.rawValue): \(error.message)")
        }
        var channelDigest: String?
        switch download {
        case .none:
            log.info("\(channel.rawValue) has no statement for \(day.text)", requestId: requestId)
            return StatementFile(channel: channel, day: day, path: nil, sha256: nil, channelDigest: nil)
        case .inline(let bytes):
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw ReconError(.storage, "cannot write \(path)")
            }
        case .fetch(let fileRequest, let sha1):
            channelDigest = sha1
            switch client.download(fileRequest, toFile: path, bodyBytesMax: Self.fileBytesMax) {
            case .failure(let failure): throw ReconError(.unavailable, "\(channel.rawValue) statement download: \(failure)")
            case .saved(let status, _, _, _) where status != 200:
                throw ReconError(.unavailable, "\(channel.rawValue) statement download answered \(status)")
            case .saved: break
            }
        }
        return StatementFile(channel: channel, day: day, path: path, sha256: try Self.sha256(of: path), channelDigest: channelDigest)
    }

    public func adopt(_ channel: Channel, day: StatementDay, path: String) throws(ReconError) -> StatementFile {
        StatementFile(channel: channel, day: day, path: path, sha256: try Self.sha256(of: path), channelDigest: nil)
    }

    /// The connector's own reader of a kept file (its records as the channel states them).
    public func reader(_ file: StatementFile) throws(ReconError) -> any StatementReader {
        guard let path = file.path, let connector = runtime.connectors[file.channel] else {
            throw ReconError(.notConfigured, "no statement file for \(file.channel.rawValue) \(file.day.text)")
        }
        do {
            return try connector.openStatement(path: path, day: file.day.text, expectedSHA1Hex: file.channelDigest)
        } catch {
            throw ReconError(.badStatement, "\(file.channel.rawValue) \(file.day.text): \(error.message)")
        }
    }

    public func open(_ file: StatementFile) throws(ReconError) -> any StatementLines {
        ConnectorStatementLines(try reader(file))
    }

    /// The kept file's own digest, read in chunks (the file may be far larger than memory allows).
    static func sha256(of path: String) throws(ReconError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ReconError(.storage, "cannot read \(path)") }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while true {
            let chunk = handle.readData(ofLength: digestChunkBytes)
            if chunk.isEmpty { break }
            hasher.update([UInt8](chunk))
        }
        return hasher.finishHex()
    }
}

/// A connector's reader in reconciliation's terms.
final class ConnectorStatementLines: StatementLines {
    let reader: any StatementReader

    init(_ reader: any StatementReader) { self.reader = reader }

    func next() throws(ReconError) -> ReconStatementLine? {
        let record: StatementRecord?
        do { record = try reader.next() } catch { throw ReconError(.badStatement, error.message) }
        guard let record else { return nil }
        let status: ReconStatementSide.Status =
            switch record.status {
            case .succeeded: .succeeded
            case .processing: .processing
            case .failed: .failed
            }
        return ReconStatementLine(
            kind: record.kind == .payment ? .payment : .refund, orderReference: record.orderReference,
            refundReference: record.refundReference, channelTransactionId: record.channelTransactionId,
            side: ReconStatementSide(amount: record.amount, fee: record.fee, status: status, occurredAt: record.occurredAt))
    }
}
