import FileFormats
import Foundation
import PaygateCore
import XCTest

@testable import Channels

/// Short statement files written by hand from the channels' published formats (not by the
/// sandbox), and the records they must read as. The same trade and refund in each channel.
enum StatementVectors {
    static let alipayDetail = """
        #支付宝业务明细查询
        #账号：[2088000000000001]
        #起始日期：[2026年11月27日 00:00:00]   终止日期：[2026年11月28日 00:00:00]
        #-----------------------------------------业务明细列表----------------------------------------
        支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注
        2026112722001400001\t,pay_019ac5b7d1c80123a1b2c3d4e5f60718\t,交易,"Coffee 咖啡, cake",2026-11-27 23:14:47,2026-11-27 23:16:02,,,,,buyer***@example.com,12.30,12.30,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.07,0.00,
        2026112722001400001\t,pay_019ac5b7d1c80123a1b2c3d4e5f60718\t,退款,"Coffee 咖啡, cake",2026-11-28 10:00:00,2026-11-28 10:00:00,,,,,buyer***@example.com,-5.00,-5.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,ref_1\t,0.03,0.00,
        #-----------------------------------------业务明细列表结束------------------------------------
        #交易合计：1笔，商家实收共12.30元，商家优惠共0.00元
        #退款合计：1笔，商家实收退款共-5.00元，商家优惠退款共0.00元
        #导出时间：[2026年11月28日 09:00:00]

        """

    static let weChatFile = """
        交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
        `2026-11-27 23:16:02,`wxd678efh567hg6787,`1900000109,`0,`,`4200001234202611270000000001,`pay_019ac5b7d1c80123a1b2c3d4e5f60718,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`12.30,`0.00,`0,`0,`0.00,`0.00,`,`,`Coffee 咖啡, cake,`,`0.07,`0.60%,`12.30,`0.00,`
        `2026-11-28 10:00:00,`wxd678efh567hg6787,`1900000109,`0,`,`4200001234202611270000000001,`pay_019ac5b7d1c80123a1b2c3d4e5f60718,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50000000382019052709732678859,`ref_1,`5.00,`0.00,`ORIGINAL,`PROCESSING,`Coffee 咖啡, cake,`,`-0.03,`0.60%,`0.00,`5.00,`
        总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
        `2,`12.30,`5.00,`0.00,`0.04,`12.30,`5.00

        """
    /// `sha1sum` of `weChatFile`.
    static let weChatSHA1 = "04b733e3f6a18dd9353c347ed8d03e035c5aa802"

    /// The ACP field widths, written out again from the spec's table for the test.
    static let unionPayWidths = [
        3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13,
        12,
        2, 1, 32, 98,
    ]
    /// Fields by their 1-based number in the spec; the rest blank. 商户订单号 is 32 bytes wide, so
    /// the order number is the 32-hex-digit form (a 36-character payment id does not fit).
    static let unionPayPayment: [Int: String] = [
        1: "S22", 2: "48020000", 3: "48020000", 4: "231602", 5: "1127231602", 6: "6216********0000", 7: "000000001230", 8: "5811",
        9: "08", 10: "782611272316020123456", 11: "00", 12: "019ac5b7d1c80123a1b2c3d4e5f60718", 13: "01", 16: "D000000000007",
        17: "C000000001223", 18: "0001", 20: "01", 21: "07", 22: "000000", 23: "01", 26: "1", 28: "777290058110048", 33: "C000000001223",
        35: "咖啡",
    ]
    static let unionPayRefund: [Int: String] = [
        1: "S30", 2: "48020000", 3: "48020000", 4: "100000", 5: "1128100000", 6: "6216********0000", 7: "000000000500", 8: "5811",
        9: "08", 10: "782611281000000000001", 11: "00", 12: "ref_1", 13: "01", 14: "231602", 15: "1127231602", 16: "C000000000003",
        17: "D000000000497", 18: "0001", 20: "04", 21: "00", 22: "000000", 23: "01", 26: "1", 27: "782611272316020123456",
        28: "777290058110048", 33: "D000000000497", 41: "019ac5b7d1c80123a1b2c3d4e5f60718",
    ]

    /// One ZM line: each field GBK, left-aligned, space-padded to its width; one space between.
    static func unionPayLine(_ fields: [Int: String]) -> [UInt8] {
        var line: [UInt8] = []
        for (index, width) in unionPayWidths.enumerated() {
            if index > 0 { line.append(0x20) }
            let bytes = try! GBKCodec.encode(fields[index + 1] ?? "")
            line += bytes + [UInt8](repeating: 0x20, count: width - bytes.count)
        }
        return line
    }

    static let payment = StatementRecord(
        kind: .payment, orderReference: "pay_019ac5b7d1c80123a1b2c3d4e5f60718", refundReference: nil,
        channelTransactionId: "2026112722001400001", channelRefundId: nil, amount: Fixtures.amount,
        fee: Money(minorUnits: 7, currency: .cny),
        status: .succeeded, occurredAt: Fixtures.now.adding(seconds: 75))
    static let refund = StatementRecord(
        kind: .refund, orderReference: "pay_019ac5b7d1c80123a1b2c3d4e5f60718", refundReference: "ref_1",
        channelTransactionId: "2026112722001400001", channelRefundId: nil, amount: Fixtures.refundAmount,
        fee: Money(minorUnits: 3, currency: .cny), status: .succeeded, occurredAt: Timestamp(secondsSinceEpoch: 1_795_831_200))

    /// A zip holding `entries` (name, contents), names GBK as Alipay writes them.
    static func zip(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var writer = ZipWriter(modified: .init(year: 2026, month: 11, day: 28, hour: 9, minute: 0, second: 0))
        for (name, contents) in entries { writer.add(name: try! GBKCodec.encode(name), nameIsUTF8: false, contents: contents) }
        return writer.finished()
    }

    static func temporaryFile(_ bytes: [UInt8]) -> String {
        let path = NSTemporaryDirectory() + "statement-\(UUID().uuidString)"
        precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
        return path
    }

    /// Every record of the file, and the reader's totals.
    static func readAll(_ reader: any StatementReader) throws -> ([StatementRecord], StatementTotals) {
        var records: [StatementRecord] = []
        while let record = try reader.next() { records.append(record) }
        XCTAssertNil(try reader.next(), "a reader stays at its end")
        return (records, reader.totals)
    }
}
