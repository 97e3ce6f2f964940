import Channels
import Foundation
import PaygateCore
import Sandbox

/// Benchmark (h)'s day: `count` WeChat Pay payments paid on `day`, written straight into the
/// shards (`BulkLoad`, paid mode), and the channel's statement of that day listing every one of
/// them, written by the sandbox's own bill writer. The payments carry no journal entries, so
/// their posted fee is zero and the statement says the same: a clean day, every line matched.
enum ReconLoad {
    static func run(configuration: Configuration, count: Int, day: StatementDay, out: String) throws -> BulkLoad.Result {
        guard let account = configuration.channels?.wechatpay else { throw BulkLoad.LoadError(description: "no wechatpay channel") }
        let loaded = try BulkLoad.run(configuration: configuration, count: count, mode: .paid(day: day, channel: .wechatpay))
        let reference = ChannelOrderReference(.wechatpay)
        let payments = loaded.paid.map { row in
            WeChatPayBillFixture.Payment(
                outTradeNo: reference.payment(row.id), transactionId: row.transactionId, amount: row.amount,
                fee: Money(minorUnits: 0, currency: .cny), paidAt: row.paidAt)
        }
        let file = WeChatPayBillFixture.file(payments, merchantId: account.merchantId, appId: account.appId)
        guard FileManager.default.createFile(atPath: out, contents: Data(file), attributes: [.posixPermissions: 0o600]) else {
            throw BulkLoad.LoadError(description: "cannot write \(out)")
        }
        return loaded
    }
}
