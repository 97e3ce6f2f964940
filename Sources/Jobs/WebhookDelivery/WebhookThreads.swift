import Foundation
import HTTPClient
import MariaDB
import PaygateCore
import PaygateCrypto

/// The dispatcher's delivery threads in `paygate-worker`: `webhooks.threads` of them beside the
/// timeout worker, each with its own `WebhookDispatcher`. They stop with the worker's `WorkerStop`
/// and the group's `join` waits until every one has recorded its last attempt.
public enum WebhookThreads {
    /// Reads the master key and starts the threads. Call after the process-wide library set-up
    /// (it is done here too, before any thread starts, as libcurl requires).
    public static func start(configuration: Configuration, stop: WorkerStop, log: Log) throws -> ThreadGroup {
        let keys = try KeyRing(configuration: configuration)
        Connection.initializeLibraryOnce()
        HTTPClient.initializeOnce()
        let threads = ThreadGroup()
        let count = configuration.webhooks.threads
        for index in 0..<count {
            threads.start(name: "webhooks-\(index)") {
                do {
                    let dispatcher = try WebhookDispatcher(configuration: configuration, keys: keys, index: index, log: log)
                    dispatcher.run(until: stop)
                } catch {
                    // Only configuration can fail here, and it was validated: say so and stop
                    // this thread; the others and the timeout worker go on.
                    log.error("webhooks-\(index) could not start: \(error)")
                }
            }
        }
        log.info(
            "webhook dispatcher: \(count) threads, schedule \(configuration.webhooks.scheduleSeconds.map(String.init).joined(separator: ","))s, timeout \(configuration.webhooks.timeoutSeconds)s, mode \(configuration.mode.rawValue)"
        )
        return threads
    }
}
