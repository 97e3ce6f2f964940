import PaygateCore
import Storage

/// `paygate-admin housekeeping purge`: runs now, on every shard, the purge the pool's threads run
/// every `GatewayHandler.housekeepingEveryRequests` requests (`Housekeeping`: nonces older than
/// twice the auth window, expired Idempotency-Key records; nothing else). For an operator who
/// does not want to wait for traffic (a quiet pool purges rarely), and for the end-to-end test
/// of what the purge deletes and keeps. One JSON line per shard:
///   {"shard": "shard0", "deleted": 12}
/// A shard that cannot be purged fails the command after the others were tried (exit 1).
@MainActor func housekeepingCommand(_ arguments: [String]) throws {
    guard arguments == ["purge"] else { fail("usage: paygate-admin [--config FILE] housekeeping purge", code: 2) }
    let shards = try ShardConnections(configuration: configuration.database)
    let housekeeping = Housekeeping(shards: shards, authWindowSeconds: configuration.authWindowSeconds)
    var failed: [String] = []
    for index in 0..<shards.shardCount {
        do {
            let deleted = try housekeeping.purge(shard: index)
            var writer = JSONWriter()
            writer.objectOpen()
            writer.member("shard", shards.shardNames[index])
            writer.member("deleted", deleted)
            writer.objectClose()
            print(writer.string)
        } catch {
            failed.append("\(shards.shardNames[index]): \(error)")
        }
    }
    if !failed.isEmpty { fail("housekeeping failed on " + failed.joined(separator: "; ")) }
}
