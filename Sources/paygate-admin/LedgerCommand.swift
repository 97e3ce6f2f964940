import PaygateCore
import Storage

/// `paygate-admin ledger balance --merchant M`: the merchant's balances per
/// account and currency across all shards, as one JSON object:
///   {"merchant_id": "...", "balances": [{"account": "merchant_payable", "currency": "CNY",
///     "debit": "0.00", "credit": "12.30", "balance": "-12.30"}, ...], "entries": 1}
/// Amounts are strings in the currency's minor digits, like every amount in docs/API.md.
@MainActor func ledgerCommand(_ arguments: [String]) throws {
    guard arguments.count == 3, arguments[0] == "balance", arguments[1] == "--merchant", !arguments[2].isEmpty else {
        fail("usage: paygate-admin [--config FILE] ledger balance --merchant MERCHANT_ID", code: 2)
    }
    let ledger = try LedgerBalances(shards: ShardConnections(configuration: auditDatabaseConfiguration())).merchant(arguments[2])
    var writer = JSONWriter()
    writer.objectOpen()
    writer.member("merchant_id", ledger.merchantId)
    writer.key("balances")
    writer.arrayOpen()
    for balance in ledger.balances {
        writer.objectOpen()
        writer.member("account", balance.account)
        writer.member("currency", balance.currency.rawValue)
        writer.member("debit", balance.debit.text)
        writer.member("credit", balance.credit.text)
        writer.member("balance", balance.balance.text)
        writer.objectClose()
    }
    writer.arrayClose()
    writer.member("entries", ledger.entryCount)
    writer.objectClose()
    print(writer.string)
}
