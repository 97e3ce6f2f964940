/// Building a configuration in code, for the writer of the stack's file (`paygate-admin init`,
/// the Setup module): the same types encode what `Configuration.load` decodes, so a file written
/// from them reads back by construction. Every value left out keeps the default its declaration
/// documents.
extension Configuration {
    public init(
        mode: Mode = .local, pool: PoolConfiguration, database: DatabaseConfiguration, masterKeyFile: String,
        channels: ChannelsConfiguration? = nil, webhooks: WebhooksConfiguration = WebhooksConfiguration(),
        queries: QueriesConfiguration = QueriesConfiguration(), reconciliation: ReconciliationConfiguration = ReconciliationConfiguration()
    ) {
        self.mode = mode
        self.pool = pool
        self.database = database
        self.masterKeyFile = masterKeyFile
        self.channels = channels
        self.webhooks = webhooks
        self.queries = queries
        self.reconciliation = reconciliation
    }
}

extension ChannelsConfiguration {
    public init(caFile: String, callbackBaseURL: String, alipay: Alipay, wechatpay: WeChatPay, unionpay: UnionPay) {
        self.caFile = caFile
        self.callbackBaseURL = callbackBaseURL
        self.alipay = alipay
        self.wechatpay = wechatpay
        self.unionpay = unionpay
    }
}
