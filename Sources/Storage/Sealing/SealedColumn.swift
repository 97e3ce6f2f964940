/// A column of values sealed at rest, and how its associated data is made from the row's key:
/// what `SealedValueRekeyer` walks when the master key rotates. Every sealed column is listed
/// in `all`; a new one must be added there, or a rotation would retire a key still in use.
public struct SealedColumn: Sendable {
    /// `table.column`, for reports.
    public var name: String { table + "." + column }
    let table: String
    /// The primary key: rows are walked in its order and updated by it.
    let keyColumns: [String]
    let column: String
    /// In every shard database, or in the directory.
    let isOnShards: Bool
    let associatedData: @Sendable ([String]) -> [UInt8]

    public static let all: [SealedColumn] = merchantColumns + [payer, idempotencyAnswer]

    static let merchantColumns = ["secret_sealed", "webhook_secret_sealed", "previous_secret_sealed", "previous_webhook_secret_sealed"].map
    {
        SealedColumn(table: "merchants", keyColumns: ["merchant_id"], column: $0, isOnShards: false) { Array($0[0].utf8) }
    }

    static let payer = SealedColumn(table: "payments", keyColumns: ["payment_id"], column: "payer", isOnShards: true) {
        Array($0[0].utf8)
    }

    static let idempotencyAnswer = SealedColumn(
        table: "idempotency_keys", keyColumns: ["merchant_id", "idempotency_key"], column: "response_body", isOnShards: true
    ) { IdempotencyAnswerSeal.associatedData(merchantId: $0[0], key: $0[1]) }
}
