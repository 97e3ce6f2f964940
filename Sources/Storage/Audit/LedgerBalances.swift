import MariaDB
import PaygateCore

/// One account's totals for one merchant and currency, over every shard. Debits and credits are
/// both positive sums; `balance` is debit - credit (so what we owe a merchant shows negative on
/// `merchant_payable`, the journal's sign convention).
public struct LedgerBalance: Sendable, Equatable {
    public let account: String
    public let currency: Currency
    public var debit: Money
    public var credit: Money
    public var balance: Money { debit - credit }
}

public struct MerchantLedger: Sendable {
    public let merchantId: String
    /// Sorted by account, then currency.
    public let balances: [LedgerBalance]
    /// Journal entries of the merchant over every shard.
    public let entryCount: Int
}

/// `paygate-admin ledger balance --merchant M`: a merchant's journal lines
/// summed per account and currency on each shard (one GROUP BY each) and added up here, in
/// integer minor units. A shard that cannot be read fails the whole answer: a balance missing
/// a shard's lines would be wrong, not partial.
public struct LedgerBalances {
    private let shards: ShardConnections

    public init(shards: ShardConnections) { self.shards = shards }

    public func merchant(_ merchantId: String) throws -> MerchantLedger {
        struct Key: Hashable { let account: String; let currency: Currency }
        var totals: [Key: LedgerBalance] = [:]
        var entryCount = 0
        for shard in 0..<shards.shardCount {
            let name = shards.shardNames[shard]
            let (rows, entries) = try shards.read(shard: shard) { connection in
                // Lines and the entry count from one snapshot, so they agree with each other.
                try connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                try connection.run("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                defer { connection.rollback() }
                let rows = try connection.query(
                    """
                    SELECT account, currency, SUM(IF(amount > 0, amount, 0)), SUM(IF(amount < 0, -amount, 0))
                      FROM journal_lines WHERE merchant_id = ? GROUP BY account, currency
                    """, [.text(merchantId)])
                let entries = try connection.query("SELECT COUNT(*) FROM journal_entries WHERE merchant_id = ?", [.text(merchantId)])
                return (rows, Int(entries.first?[0] ?? "") ?? 0)
            }
            entryCount += entries
            for row in rows {
                let account = try row.required(0)
                let currencyText = try row.required(1)
                guard let currency = Currency(rawValue: currencyText),
                    let debit = Money(databaseText: try row.required(2), currency: currency),
                    let credit = Money(databaseText: try row.required(3), currency: currency)
                else {
                    throw StorageError.corrupt(shard: name, detail: "journal_lines sums for \(account) \(currencyText) are not amounts")
                }
                let key = Key(account: account, currency: currency)
                if var total = totals[key] {
                    total.debit = total.debit + debit
                    total.credit = total.credit + credit
                    totals[key] = total
                } else {
                    totals[key] = LedgerBalance(account: account, currency: currency, debit: debit, credit: credit)
                }
            }
        }
        let balances = totals.values.sorted {
            ($0.account, $0.currency.rawValue) < ($1.account, $1.currency.rawValue)
        }
        return MerchantLedger(merchantId: merchantId, balances: balances, entryCount: entryCount)
    }
}
