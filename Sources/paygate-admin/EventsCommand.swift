import PaygateCore
import Storage

// `paygate-admin events ...`: the merchant webhook outbox for admins. Every
// command prints JSON lines on stdout, one object per line:
//
//   events list [--state pending|delivered|dead] [--payment PAYMENT_ID] [--limit N]
//       one line per event, newest first (default limit 50, at most EventStore.listCountMax):
//       {"event_id","type","state","payment_id","refund_id","merchant_id","attempts",
//        "next_attempt_at","last_attempt_at","delivered_at","created_at","seq"}
//   events show EVENT_ID
//       one line: the event's columns as above, its "data" (the payment or refund object sent)
//       and "attempts_made": every attempt ever made, oldest first, each
//       {"attempt","attempted_at","http_status","latency_ms","error"} (a resend restarts
//       "attempt" at 1; the earlier ones stay listed)
//   events resend EVENT_ID
//       a dead-lettered (or delivered) event starts a fresh schedule, due now, same event id;
//       prints {"event_id", "state": "pending", "resent": true|false} (false: it was already
//       pending and nothing changed). Exit 1 when the event does not exist.

/// Events listed when `--limit` is not given.
let eventsListCountDefault = 50

@MainActor func eventsCommand(_ arguments: [String]) throws {
    let store = EventStore(shards: try ShardConnections(configuration: configuration.database))
    switch arguments.first {
    case "list": try eventsList(Array(arguments.dropFirst()), store)
    case "show":
        guard arguments.count == 2 else { fail("usage: events show EVENT_ID", code: 2) }
        try eventsShow(arguments[1], store)
    case "resend":
        guard arguments.count == 2 else { fail("usage: events resend EVENT_ID", code: 2) }
        try eventsResend(arguments[1], store)
    default:
        fail(usage, code: 2)
    }
}

@MainActor private func eventsList(_ arguments: [String], _ store: EventStore) throws {
    var state: WebhookEventState?
    var paymentId: PaymentId?
    var limit = eventsListCountDefault
    var rest = arguments[...]
    while let flag = rest.popFirst() {
        guard let value = rest.popFirst() else { fail("\(flag) needs a value", code: 2) }
        switch flag {
        case "--state":
            guard let parsed = WebhookEventState(rawValue: value) else { fail("--state must be pending, delivered or dead", code: 2) }
            state = parsed
        case "--payment":
            guard let parsed = PaymentId(value) else { fail("--payment needs a payment id (pay_...)", code: 2) }
            paymentId = parsed
        case "--limit":
            guard let parsed = Int(value), (1...EventStore.listCountMax).contains(parsed) else {
                fail("--limit must be 1...\(EventStore.listCountMax)", code: 2)
            }
            limit = parsed
        default:
            fail("unknown events list option \(flag)\n" + usage, code: 2)
        }
    }
    for event in try store.list(EventStore.ListFilter(state: state, paymentId: paymentId, limit: limit)) {
        var writer = JSONWriter()
        writer.objectOpen()
        event.writeSummary(into: &writer)
        writer.objectClose()
        print(writer.string)
    }
}

@MainActor private func eventsShow(_ eventId: String, _ store: EventStore) throws {
    guard let (event, attempts) = try store.show(eventId: eventId) else { fail("no event \(eventId)") }
    var writer = JSONWriter(reservingCapacity: event.dataJSON.utf8.count + 512 + attempts.count * 128)
    writer.objectOpen()
    event.writeSummary(into: &writer)
    writer.key("data")
    writer.raw(Array(event.dataJSON.utf8))
    writer.key("attempts_made")
    writer.arrayOpen()
    for stored in attempts {
        let attempt = stored.attempt
        writer.objectOpen()
        writer.member("attempt", attempt.number)
        writer.member("attempted_at", attempt.attemptedAt.rfc3339Milliseconds)
        writer.key("http_status")
        if let status = attempt.httpStatus { writer.value(status) } else { writer.null() }
        writer.member("latency_ms", attempt.latencyMilliseconds)
        writer.member("error", attempt.error)
        writer.objectClose()
    }
    writer.arrayClose()
    writer.objectClose()
    print(writer.string)
}

@MainActor private func eventsResend(_ eventId: String, _ store: EventStore) throws {
    let event: WebhookEvent
    let resent: Bool
    switch try store.resend(eventId: eventId, now: .now()) {
    case .notFound: fail("no event \(eventId)")
    case .resent(let current): (event, resent) = (current, true)
    case .alreadyPending(let current): (event, resent) = (current, false)
    }
    var writer = JSONWriter()
    writer.objectOpen()
    writer.member("event_id", event.id)
    writer.member("state", event.state.rawValue)
    writer.member("resent", resent)
    writer.objectClose()
    print(writer.string)
}
