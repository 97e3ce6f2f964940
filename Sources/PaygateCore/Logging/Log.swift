import Foundation

/// One line per event on stderr: `time level pid [request_id] message key=value...`.
/// The stack scripts send stderr to a log file. Secrets never go through here: callers log ids,
/// codes and counts, never keys, signatures or bodies.
public struct Log: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["debug", "info", "warning", "error"][rawValue] }
    }

    public var minimum: Level
    public var component: String

    public init(component: String, minimum: Level = .info) {
        self.component = component
        self.minimum = minimum
    }

    public func debug(_ message: @autoclosure () -> String, requestId: String? = nil) { write(.debug, message, requestId) }
    public func info(_ message: @autoclosure () -> String, requestId: String? = nil) { write(.info, message, requestId) }
    public func warning(_ message: @autoclosure () -> String, requestId: String? = nil) { write(.warning, message, requestId) }
    public func error(_ message: @autoclosure () -> String, requestId: String? = nil) { write(.error, message, requestId) }

    private func write(_ level: Level, _ message: () -> String, _ requestId: String?) {
        guard level >= minimum else { return }
        let now = Timestamp.now()
        var line = now.rfc3339Milliseconds + " " + level.name + " " + component + "[" + String(getpid()) + "]"
        if let requestId, !requestId.isEmpty { line += " request_id=" + requestId }
        line += " " + message() + "\n"
        // One write(2) per line so lines from threads and processes do not interleave.
        line.utf8CString.withUnsafeBufferPointer { buffer in
            _ = Foundation.write(2, buffer.baseAddress, buffer.count - 1)
        }
    }
}
