import PaygateCore

/// The misbehaviour knobs a test switches on (`POST /sandbox/faults`), so the gateway can be
/// shown to survive what real channels do. All off by default. A POST replaces the whole set:
/// a knob left out is off, so a test never inherits a fault from an earlier one.
///
/// JSON (every member optional):
/// `{"channel": null, "latency_ms": 0, "timeout_ms": 0, "status_5xx": 0, "duplicate_callbacks": 0,
///   "out_of_order_callbacks": false, "callback_amount_delta": 0, "drop_callbacks": false,
///   "pay_closed_orders": false, "refund_result": "success", "misdirected_query": null,
///   "misdirected_refund": null, "statement": null}`
///
/// `"refund_result": "fail"` makes every refund created while it is on (on `channel`, or all
/// three) fail at the channel, each channel in its own way:
/// - Alipay answers the refund call itself with a business failure: code 40004, sub_code
///   `ACQ.SELLER_BALANCE_NOT_ENOUGH`; no refund notice follows, and the refund query answers
///   success without refund data (Alipay's "not received or failed").
/// - WeChat Pay accepts (`status` PROCESSING), then sends a `REFUND.ABNORMAL` callback
///   (`refund_status` ABNORMAL); its refund query answers `status` ABNORMAL.
/// - UnionPay accepts (respCode 00), then posts a refund notice with respCode 01; its query
///   answers origRespCode 01.
/// The knob is read when the channel receives a refund: the outcome is fixed then, so a repeat of
/// the same refund number answers the same outcome whatever the knobs are later. A failed refund
/// never counts against the order's refundable amount: a later refund of the same money (a new
/// refund number) succeeds once the knob is back to `success`.
///
/// `"misdirected_query": {"asked": "<order number>", "answered": "<another order number>"}`
/// makes the payment query for the first order (on `channel`, or any of the three) answered,
/// correctly signed, about the second instead: its number, status, transaction and amounts, as a
/// channel that mixed up two requests would. Queries for every other order are answered as usual,
/// so one misdirected answer is all a test sees. An answered order the sandbox does not know is
/// answered as "no such order", like any unknown number.
///
/// `"misdirected_refund": "<refund number>"` makes every refund and refund-query answer about any
/// other refund (on `channel`, or any of the three) answered, correctly signed, about that refund
/// instead: its number, its order, its amount (and UnionPay its txnTime), as a channel that mixed
/// up two requests would. The refund actually asked for is still received and carried out (its
/// callback is sent as usual); only the answers name the other one. A refund number the sandbox
/// does not know leaves the answers alone.
public struct SandboxFaults: Sendable, Equatable {
    /// How a refund the channel receives ends (see the type's comment for each channel's form).
    public enum RefundResult: String, Sendable {
        case success, fail
    }

    public static let delayMillisecondsMax = 120_000
    public static let duplicateCallbacksMax = 10
    /// The longest order number `misdirected_query` takes (the channels' own limits are 32 to 64).
    public static let orderNumberBytesMax = 64
    /// How long an out-of-order callback waits for a later one to overtake it.
    public static let outOfOrderHoldMilliseconds: Int64 = 2_000

    /// Only this channel misbehaves; nil means all three.
    public var channel: Channel?
    /// Every channel API answer is delayed this long.
    public var latencyMilliseconds = 0
    /// The request is carried out, then its answer is held this long: set it above the
    /// gateway's client timeout to play "the channel did it, but we never heard".
    public var timeoutMilliseconds = 0
    /// 0, or a 5xx status answered instead of carrying the request out.
    public var status5xx = 0
    /// Extra copies of every callback.
    public var duplicateCallbacks = 0
    /// Each callback is held until a later one overtakes it (or `outOfOrderHoldMilliseconds`).
    public var outOfOrderCallbacks = false
    /// Minor units added to the amount the payer pays: the callback (and query, statement)
    /// then report an amount that differs from the order.
    public var callbackAmountDelta: Int64 = 0
    /// The channel sends no callback at all: the gateway must find out by query.
    public var dropCallbacks = false
    /// The payer can pay an order that was closed: the race in which a payment reaches the
    /// channel just as the merchant's close does, so the money arrives after the close.
    public var payClosedOrders = false
    /// `.fail`: refunds received now fail at the channel (the type's comment says how).
    public var refundResult = RefundResult.success
    /// The payment query for `asked` is answered about `answered`.
    public struct MisdirectedQuery: Sendable, Equatable {
        public var asked: String
        public var answered: String
    }

    /// One order's payment query answered about another order.
    public var misdirectedQuery: MisdirectedQuery?
    /// Refund answers about every other refund are answered about this refund.
    public var misdirectedRefund: String?
    /// Discrepancies or a bad file in one day's statement of one channel (`StatementFaults`);
    /// it names its own channel, and `channel` above does not narrow it.
    public var statement: StatementFaults?

    public init() {}

    public func applies(to channel: Channel) -> Bool {
        self.channel == nil || self.channel == channel
    }

    /// The order a payment query for `number` is answered about: `number` itself unless
    /// `misdirected_query` names it for this channel.
    public func queriedOrder(_ number: String, on channel: Channel) -> String {
        guard applies(to: channel), let misdirected = misdirectedQuery, misdirected.asked == number else { return number }
        return misdirected.answered
    }

    /// The refund a refund or refund-query answer about `number` names: `number` itself unless
    /// `misdirected_refund` names another refund for this channel.
    public func answeredRefund(_ number: String, on channel: Channel) -> String {
        guard applies(to: channel), let misdirected = misdirectedRefund else { return number }
        return misdirected
    }

    public enum ParseError: Error, Sendable, Equatable {
        case notAnObject
        case badMember(String)
    }

    /// Reads the JSON above; an unknown member or a value out of range is refused, never ignored.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> SandboxFaults {
        guard let document = try? JSONParser.parse(bytes), case .object(let members) = document else { throw .notAnObject }
        var faults = SandboxFaults()
        for (key, value) in members {
            switch (key, value) {
            case ("channel", .null): faults.channel = nil
            case ("channel", .string(let name)):
                guard let channel = Channel(rawValue: name) else { throw .badMember(key) }
                faults.channel = channel
            case ("latency_ms", _): faults.latencyMilliseconds = try integer(value, key, 0...Int64(delayMillisecondsMax)).asInt
            case ("timeout_ms", _): faults.timeoutMilliseconds = try integer(value, key, 0...Int64(delayMillisecondsMax)).asInt
            case ("status_5xx", _):
                faults.status5xx = try integer(value, key, 0...599).asInt
                guard faults.status5xx == 0 || faults.status5xx >= 500 else { throw .badMember(key) }
            case ("duplicate_callbacks", _): faults.duplicateCallbacks = try integer(value, key, 0...Int64(duplicateCallbacksMax)).asInt
            case ("out_of_order_callbacks", .bool(let flag)): faults.outOfOrderCallbacks = flag
            case ("callback_amount_delta", _): faults.callbackAmountDelta = try integer(value, key, -1_000_000...1_000_000)
            case ("drop_callbacks", .bool(let flag)): faults.dropCallbacks = flag
            case ("pay_closed_orders", .bool(let flag)): faults.payClosedOrders = flag
            case ("refund_result", .string(let text)):
                guard let result = RefundResult(rawValue: text) else { throw .badMember(key) }
                faults.refundResult = result
            case ("misdirected_query", .null): faults.misdirectedQuery = nil
            case ("misdirected_query", .object(let members)):
                faults.misdirectedQuery = try misdirectedQuery(members, key)
            case ("misdirected_refund", .null): faults.misdirectedRefund = nil
            case ("misdirected_refund", .string(let number)):
                guard !number.isEmpty, number.utf8.count <= orderNumberBytesMax else { throw .badMember(key) }
                faults.misdirectedRefund = number
            case ("statement", .null): faults.statement = nil
            case ("statement", .object(let members)): faults.statement = try StatementFaults.parse(members)
            default: throw .badMember(key)
            }
        }
        return faults
    }

    public var json: [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectOpen()
        writer.member("channel", channel?.rawValue)
        writer.member("latency_ms", latencyMilliseconds)
        writer.member("timeout_ms", timeoutMilliseconds)
        writer.member("status_5xx", status5xx)
        writer.member("duplicate_callbacks", duplicateCallbacks)
        writer.member("out_of_order_callbacks", outOfOrderCallbacks)
        writer.member("callback_amount_delta", Int(callbackAmountDelta))
        writer.member("drop_callbacks", dropCallbacks)
        writer.member("pay_closed_orders", payClosedOrders)
        writer.member("refund_result", refundResult.rawValue)
        writer.key("misdirected_query")
        if let misdirectedQuery {
            writer.objectOpen()
            writer.member("asked", misdirectedQuery.asked)
            writer.member("answered", misdirectedQuery.answered)
            writer.objectClose()
        } else {
            writer.null()
        }
        writer.member("misdirected_refund", misdirectedRefund)
        writer.key("statement")
        if let statement { statement.write(&writer) } else { writer.null() }
        writer.objectClose()
        return writer.bytes
    }

    /// Exactly `asked` and `answered`, two different order numbers.
    private static func misdirectedQuery(_ members: [(key: String, value: JSONValue)], _ key: String) throws(ParseError) -> MisdirectedQuery
    {
        var numbers: [String: String] = [:]
        for (name, value) in members {
            guard name == "asked" || name == "answered", case .string(let number) = value, !number.isEmpty,
                number.utf8.count <= orderNumberBytesMax
            else { throw .badMember(key) }
            numbers[name] = number
        }
        guard let asked = numbers["asked"], let answered = numbers["answered"], asked != answered else { throw .badMember(key) }
        return MisdirectedQuery(asked: asked, answered: answered)
    }

    private static func integer(_ value: JSONValue, _ key: String, _ range: ClosedRange<Int64>) throws(ParseError) -> Int64 {
        guard case .number(let text) = value, let number = Int64(text), range.contains(number) else { throw .badMember(key) }
        return number
    }
}

extension Int64 {
    fileprivate var asInt: Int { Int(self) }
}
