/// Why a channel's answer or callback was not used (bad signature, unreadable, undecryptable):
/// a reason for our log, never key material. Connectors turn it into `.unknown` or `.rejected`.
struct AnswerFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
