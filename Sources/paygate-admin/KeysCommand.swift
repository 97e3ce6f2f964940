import Foundation
import PaygateCore
import PaygateCrypto
import Storage

/// `paygate-admin keys rotate-master`: a new master key, every sealed value re-sealed under it
/// while the stack serves, then the old keys retired (`KeyRingLocation`: moved aside, not
/// destroyed). Needs `master_key_directory` in the configuration.
///
/// 1. The new key is written (`master-<id>.key`, 0600) and becomes the highest id: every running
///    process reads it within `KeyRing.reloadIntervalSeconds` and seals under it from then on;
///    until the last step every old key still opens. The command waits out twice that interval.
/// 2. Every sealed column (`SealedColumn.all`: merchant secrets, payer data, stored answers) is
///    re-sealed in batches, each row by compare-and-set (`SealedValueRekeyer`); passes repeat
///    until one finds nothing left under an old key (a request that sealed under an old key just
///    before step 1 took effect is caught by the next pass).
/// 3. Our channel private keys and the APIv3 key (`SealedKeyFile`) are re-sealed under the new
///    key (plain ones sealed); running processes hold them opened, and read them at a reload.
/// 4. The old keys are retired; running processes drop them at their next re-read.
///
/// `paygate-admin keys seal-files`: step 3 alone, to seal the plain key files of an older stack.
///
/// `paygate-admin keys status`: the key ids present and, per sealed column, how many values are
/// not under the current key. One JSON line per step or column; nothing secret is printed.
@MainActor func keysCommand(_ arguments: [String]) throws {
    switch arguments {
    case ["rotate-master"]: try rotateMasterKey()
    case ["status"]: try keysStatus()
    case ["seal-files"]: try sealChannelKeyFiles(try KeyRing(configuration: configuration))
    default: fail("usage: paygate-admin [--config FILE] keys rotate-master|status|seal-files", code: 2)
    }
}

/// Passes over the sealed columns before the rotation gives up (leaving every key in place).
let rotationPassCountMax = 5
/// A PEM key is 1 to 3 KB (the key store's own limit).
let channelKeyFileBytesMax = 64 * 1024

@MainActor private func rotateMasterKey() throws {
    let location = KeyRingLocation(firstKeyFile: configuration.masterKeyFile, directory: configuration.masterKeyDirectory)
    let keys = try KeyRing(location: location)
    let oldIds = keys.keyIds
    let newId = try location.addKey()
    try keys.reload()
    guard keys.currentKeyId == newId else { fail("the new key \(newId) is not the ring's current key (\(keys.currentKeyId))") }
    printLine { $0.member("new_key_id", Int(newId)) }
    Thread.sleep(forTimeInterval: Double(2 * KeyRing.reloadIntervalSeconds) + 1)
    let rekeyer = SealedValueRekeyer(connections: try ShardConnections(configuration: configuration.database), keys: keys)
    var pass = 0
    while true {
        pass += 1
        var changed = 0
        for column in SealedColumn.all {
            let count = try rekeyer.rekey(column)
            changed += count
            printLine {
                $0.member("pass", pass)
                $0.member("column", column.name)
                $0.member("resealed", count)
            }
        }
        let stale = try SealedColumn.all.reduce(0) { $0 + (try rekeyer.countStale($1)) }
        if changed == 0 && stale == 0 { break }
        guard pass < rotationPassCountMax else {
            fail("\(stale) values are still sealed under an old key after \(pass) passes: no key retired; run keys rotate-master again")
        }
    }
    try sealChannelKeyFiles(keys)
    for id in oldIds { try location.retire(id) }
    printLine {
        $0.member("current_key_id", Int(newId))
        $0.key("retired_key_ids")
        $0.arrayOpen()
        for id in oldIds { $0.value(Int(id)) }
        $0.arrayClose()
    }
}

@MainActor private func keysStatus() throws {
    let keys = try KeyRing(configuration: configuration)
    printLine {
        $0.member("current_key_id", Int(keys.currentKeyId))
        $0.key("key_ids")
        $0.arrayOpen()
        for id in keys.keyIds { $0.value(Int(id)) }
        $0.arrayClose()
    }
    let rekeyer = SealedValueRekeyer(connections: try ShardConnections(configuration: configuration.database), keys: keys)
    for column in SealedColumn.all {
        let stale = try rekeyer.countStale(column)
        printLine {
            $0.member("column", column.name)
            $0.member("not_under_current_key", stale)
        }
    }
}

/// Seals every private key file the channels section names under the ring's current key: our
/// private keys and the APIv3 key. One line per file that changed.
@MainActor func sealChannelKeyFiles(_ keys: KeyRing) throws {
    guard let channels = configuration.channels else { return }
    let paths = [
        channels.alipay.privateKeyFile, channels.wechatpay.privateKeyFile, channels.wechatpay.apiV3KeyFile,
        channels.unionpay.privateKeyFile,
    ]
    for path in paths {
        let contents = try ProtectedFile.read(path: path, access: .ownerOnly, bytesMax: channelKeyFileBytesMax)
        let wasSealed = SealedKeyFile.isSealed(contents)
        guard SealedKeyFile.keyId(of: contents) != keys.currentKeyId || !wasSealed else { continue }
        let resealed = try SealedKeyFile.seal(try SealedKeyFile.open(contents, keys: keys), keys: keys)
        // Whoever runs this (root, say), the file stays its owner's: the service user reads it.
        let owner = ProtectedFile.owner(of: path)
        try ProtectedFile.write(path: path, contents: resealed, access: .ownerOnly)
        try ProtectedFile.give(path, to: owner)
        printLine {
            $0.member("file", path)
            $0.member(wasSealed ? "resealed" : "sealed", true)
        }
    }
}

/// One JSON object on one line.
func printLine(_ body: (inout JSONWriter) -> Void) {
    var writer = JSONWriter()
    writer.objectOpen()
    body(&writer)
    writer.objectClose()
    print(writer.string)
}
