import PaygateCore

/// A WeChat Pay trade bill made from given payments instead of the sandbox's records: `make
/// bench` (h) reconciles a day of a million lines, written by the same code the sandbox serves
/// (and the tests check), so the benchmark reads the channel's real format.
public enum WeChatPayBillFixture {
    public struct Payment: Sendable {
        public var outTradeNo: String
        public var transactionId: String
        public var amount: Money
        public var fee: Money
        public var paidAt: Timestamp
        public init(outTradeNo: String, transactionId: String, amount: Money, fee: Money, paidAt: Timestamp) {
            self.outTradeNo = outTradeNo; self.transactionId = transactionId; self.amount = amount; self.fee = fee; self.paidAt = paidAt
        }
    }

    /// The uncompressed bill (UTF-8 CSV), payments in the order given.
    public static func file(_ payments: [Payment], merchantId: String, appId: String) -> [UInt8] {
        let lines = payments.map { payment in
            BillLine(
                kind: .payment, outTradeNo: payment.outTradeNo, transactionId: payment.transactionId, refundId: nil, channelRefundId: nil,
                amount: payment.amount, fee: payment.fee, createdAt: payment.paidAt, time: payment.paidAt, subject: "bench",
                appId: appId, orderTime: "")
        }
        return WeChatPayBill.file(lines, merchantId: merchantId, badFile: nil)
    }
}
