import FileFormats
import Foundation
import PaygateCore
import XCTest

@testable import Channels

/// Each channel's reader on the hand-written files of `StatementVectors`, and on every kind of
/// bad file: each must throw `.badStatement`, never return wrong records quietly.
final class StatementReaderTests: XCTestCase {
    let alipay = AlipayConnector(account: AlipayConnectorTests.account)
    let weChatPay = WeChatPayConnector(account: WeChatPayConnectorTests.account)
    let unionPay = UnionPayConnector(account: UnionPayConnectorTests.account)

    func file(_ bytes: [UInt8]) -> String {
        let path = StatementVectors.temporaryFile(bytes)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func alipayZip(_ detail: String, encode: (String) -> [UInt8] = { try! GBKCodec.encode($0) }) -> String {
        file(
            StatementVectors.zip([
                ("2088000000000001_20261127_业务明细.csv", encode(detail)),
                ("2088000000000001_20261127_业务明细(汇总).csv", encode("#支付宝业务汇总查询\n")),
            ]))
    }

    func assertBad(_ body: @autoclosure () throws -> Any, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? ChannelError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.code, .badStatement, error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error.message) lacks \(fragment)", file: file, line: line)
        }
    }

    // MARK: Alipay

    func testAlipayHandWrittenBill() throws {
        let (records, totals) = try StatementVectors.readAll(
            alipay.openStatement(path: alipayZip(StatementVectors.alipayDetail), day: "2026-11-27"))
        XCTAssertEqual(records, [StatementVectors.payment, StatementVectors.refund])
        XCTAssertEqual(
            totals,
            StatementTotals(lines: 2, paid: Fixtures.amount, refunded: Fixtures.refundAmount, fees: Money(minorUnits: 4, currency: .cny)))
    }

    func testAlipayBadFiles() throws {
        let detail = StatementVectors.alipayDetail
        assertBad(
            try StatementVectors.readAll(
                alipay.openStatement(path: alipayZip(detail.replacingOccurrences(of: "交易合计：1笔", with: "交易合计：2笔")), day: "2026-11-27")),
            "#交易合计 says 2")
        assertBad(
            try StatementVectors.readAll(alipay.openStatement(path: alipayZip(detail, encode: { Array($0.utf8) }), day: "2026-11-27")),
            "UTF-8")
        assertBad(
            try alipay.openStatement(path: alipayZip(detail.replacingOccurrences(of: ",服务费（元）", with: "")), day: "2026-11-27"),
            "no column 服务费（元）")
        let cut = String(detail.prefix(upTo: detail.range(of: "#-----------------------------------------业务明细列表结束")!.lowerBound))
        assertBad(try StatementVectors.readAll(alipay.openStatement(path: alipayZip(cut), day: "2026-11-27")), "cut short")
        assertBad(
            try StatementVectors.readAll(
                alipay.openStatement(
                    path: alipayZip(detail.replacingOccurrences(of: ",12.30,12.30,", with: ",12.30,12.3x,")), day: "2026-11-27")), "line 6")
        let whole = try Data(contentsOf: URL(fileURLWithPath: alipayZip(detail)))
        assertBad(try alipay.openStatement(path: file(Array(whole.dropLast(30))), day: "2026-11-27"), "cut short")
        assertBad(try alipay.openStatement(path: alipayZip(detail), day: "2026-11-26"), "no <pid>_20261126_业务明细.csv")
    }

    // MARK: WeChat Pay

    func testWeChatPayHandWrittenBillPlainAndGzip() throws {
        let plain = Array(StatementVectors.weChatFile.utf8)
        let expected = [
            StatementRecord(
                kind: .payment, orderReference: "pay_019ac5b7d1c80123a1b2c3d4e5f60718", refundReference: nil,
                channelTransactionId: "4200001234202611270000000001", channelRefundId: nil, amount: Fixtures.amount,
                fee: Money(minorUnits: 7, currency: .cny), status: .succeeded, occurredAt: Fixtures.now.adding(seconds: 75)),
            StatementRecord(
                kind: .refund, orderReference: "pay_019ac5b7d1c80123a1b2c3d4e5f60718", refundReference: "ref_1",
                channelTransactionId: "4200001234202611270000000001", channelRefundId: "50000000382019052709732678859",
                amount: Fixtures.refundAmount, fee: Money(minorUnits: 3, currency: .cny), status: .processing,
                occurredAt: Timestamp(secondsSinceEpoch: 1_795_831_200)),
        ]
        for bytes in [plain, Zlib.compress(plain, format: .gzip)] {
            let reader = try weChatPay.openStatement(path: file(bytes), day: "2026-11-27", expectedSHA1Hex: StatementVectors.weChatSHA1)
            let (records, totals) = try StatementVectors.readAll(reader)
            XCTAssertEqual(records, expected)
            XCTAssertEqual(totals.fees, Money(minorUnits: 4, currency: .cny))
        }
    }

    func testWeChatPayBadFiles() throws {
        let text = StatementVectors.weChatFile
        let read = { (bytes: [UInt8], digest: String?) throws in
            try StatementVectors.readAll(self.weChatPay.openStatement(path: self.file(bytes), day: "2026-11-27", expectedSHA1Hex: digest))
        }
        assertBad(try read(Array(text.utf8), "0000000000000000000000000000000000000000"), "SHA-1")
        let gzip = Zlib.compress(Array(text.utf8), format: .gzip)
        assertBad(try read(Array(gzip.dropLast(8)), StatementVectors.weChatSHA1), "ends before its end marker")
        assertBad(try read(try GBKCodec.encode(text), nil), "not UTF-8")
        assertBad(try read(Array(text.replacingOccurrences(of: ",手续费,", with: ",").utf8), nil), "no column 手续费")
        assertBad(try read(Array(text.replacingOccurrences(of: "`2,`12.30", with: "`3,`12.30").utf8), nil), "summary says 3")
        let cut = text.components(separatedBy: "\n").prefix(3).joined(separator: "\n")
        assertBad(try read(Array(cut.utf8), nil), "cut short")
    }

    // MARK: UnionPay

    func unionPayZip(_ lines: [[UInt8]], day: String = "261127") -> String {
        var text: [UInt8] = []
        for line in lines { text += line + [0x0D, 0x0A] }
        var writer = ZipWriter(modified: .init(year: 2026, month: 11, day: 28, hour: 9, minute: 0, second: 0))
        writer.add(name: Array("INN\(day)88ZM_777290058110048".utf8), nameIsUTF8: false, contents: text)
        writer.add(name: Array("INN\(day)88ZME_777290058110048".utf8), nameIsUTF8: false, contents: [])
        return file(writer.finished())
    }

    func testUnionPayHandWrittenFile() throws {
        let lines = [
            StatementVectors.unionPayLine(StatementVectors.unionPayPayment), StatementVectors.unionPayLine(StatementVectors.unionPayRefund),
        ]
        XCTAssertEqual(lines[0].count, 607, "42 fields and 41 spaces; 咖啡 is 4 GBK bytes of a 32-byte field")
        let (records, totals) = try StatementVectors.readAll(unionPay.openStatement(path: unionPayZip(lines), day: "2026-11-27"))
        XCTAssertEqual(
            records,
            [
                StatementRecord(
                    kind: .payment, orderReference: "019ac5b7d1c80123a1b2c3d4e5f60718", refundReference: nil,
                    channelTransactionId: "782611272316020123456", channelRefundId: nil, amount: Fixtures.amount,
                    fee: Money(minorUnits: 7, currency: .cny), status: .succeeded, occurredAt: Fixtures.now.adding(seconds: 75)),
                StatementRecord(
                    kind: .refund, orderReference: "019ac5b7d1c80123a1b2c3d4e5f60718", refundReference: "ref_1",
                    channelTransactionId: "782611272316020123456", channelRefundId: "782611281000000000001", amount: Fixtures.refundAmount,
                    fee: Money(minorUnits: 3, currency: .cny), status: .succeeded, occurredAt: Timestamp(secondsSinceEpoch: 1_795_831_200)),
            ])
        XCTAssertEqual(totals.lines, 2)
    }

    func testUnionPayBadFiles() throws {
        let payment = StatementVectors.unionPayLine(StatementVectors.unionPayPayment)
        let read = { (path: String) throws in try StatementVectors.readAll(self.unionPay.openStatement(path: path, day: "2026-11-27")) }
        assertBad(try read(unionPayZip([Array(payment.prefix(470))])), "a field is missing")
        var utf8 = StatementVectors.unionPayPayment
        utf8[35] = nil
        var line = StatementVectors.unionPayLine(utf8)
        let chinese = Array("咖啡".utf8)
        line.replaceSubrange(430..<(430 + chinese.count), with: chinese)
        assertBad(try read(unionPayZip([line])), "UTF-8")
        var unknown = StatementVectors.unionPayPayment
        unknown[1] = "S31"
        assertBad(try read(unionPayZip([StatementVectors.unionPayLine(unknown)])), "交易代码 S31")
        assertBad(try read(unionPayZip([payment], day: "261126")), "no INN26112788ZM_777290058110048")
        let whole = try Data(contentsOf: URL(fileURLWithPath: unionPayZip([payment])))
        assertBad(try read(file(Array(whole.dropLast(10)))), "cut short")
    }

    /// 200,000 lines generated onto disk a block at a time and streamed through the reader: the
    /// count and totals prove every line was read; nothing here holds the file or its records.
    func testLargeFileStreamsThroughTheReader() throws {
        let lineCount = 200_000
        let path = file([])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let header = StatementVectors.weChatFile.components(separatedBy: "\n")[0]
        handle.write(Data((header + "\n").utf8))
        var block = ""
        for number in 0..<lineCount {
            block +=
                "`2026-11-27 12:00:00,`wx,`1900000109,`0,`,`42\(number),`order-\(number),`o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`1.00,`0.00,`0,`0,`0.00,`0.00,`,`,`tea,`,`0.01,`0.60%,`1.00,`0.00,`\n"
            if number % 10_000 == 9_999 {
                handle.write(Data(block.utf8))
                block = ""
            }
        }
        handle.write(
            Data("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n`\(lineCount),`200000.00,`0.00,`0.00,`2000.00,`200000.00,`0.00\n".utf8)
        )
        try handle.close()
        let reader = try weChatPay.openStatement(path: path, day: "2026-11-27")
        var count = 0
        var last = ""
        while let record = try reader.next() {
            count += 1
            last = record.orderReference
        }
        XCTAssertEqual(count, lineCount)
        XCTAssertEqual(last, "order-\(lineCount - 1)")
        XCTAssertEqual(
            reader.totals,
            StatementTotals(
                lines: lineCount, paid: Money(minorUnits: 100 * Int64(lineCount), currency: .cny),
                refunded: Money(minorUnits: 0, currency: .cny),
                fees: Money(minorUnits: Int64(lineCount), currency: .cny)))
    }
}
