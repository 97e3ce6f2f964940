/// The command line of `paygate-admin init ROOT --port N --sandbox-port N [options]`.
extension InitOptions {
    /// Larger numbers are typing mistakes, and would overflow the C ints some of them end in.
    public static let numberMax = Int(Int32.max)
    /// More steps than any schedule the readers accept.
    public static let scheduleStepCountMax = 64

    public static let usage = """
        paygate-admin init ROOT --port PORT --sandbox-port PORT
              [--workers N] [--threads N] [--working-threads N] [--db-connections N] [--db-wait-ms N]
              [--query-schedule S,S,...] [--query-rate N] [--webhook-schedule S,S,...] [--audit-flush-seconds N] [--audit-checkpoint-seconds N]
              [--channel-connect-timeout-ms N] [--channel-total-timeout-ms N] [--channel-key-grace-seconds N]
              [--sandbox-threads N] [--sandbox-callback-senders N] [--sandbox-fast-retries 0|1]
              [--risk-rules FILE --risk-model FILE] [--risk on|off]
        """

    /// The root and the options; every flag takes one value and may be given once.
    public static func parse(_ arguments: [String]) throws(SetupError) -> (root: String, options: InitOptions) {
        guard let root = arguments.first, !root.hasPrefix("--") else { throw SetupError(.argumentInvalid, "init needs ROOT") }
        var values: [String: String] = [:]
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard flag.hasPrefix("--"), let value = rest.popFirst() else { throw SetupError(.argumentInvalid, "\(flag) needs a value") }
            guard values.updateValue(value, forKey: flag) == nil else { throw SetupError(.argumentInvalid, "\(flag) is given twice") }
        }
        var parser = Parser(values: values)
        var options = InitOptions(port: try parser.port("--port"), sandboxPort: try parser.port("--sandbox-port"))
        guard options.port != options.sandboxPort else { throw SetupError(.argumentInvalid, "--sandbox-port must differ from --port") }
        try parser.positive("--workers", &options.workers)
        try parser.positive("--threads", &options.threadsPerWorker)
        try parser.positive("--working-threads", &options.workingThreadsMax)
        try parser.positive("--db-connections", &options.databaseConnectionsPerShard)
        try parser.positive("--db-wait-ms", &options.databaseConnectionWaitMilliseconds)
        options.queryScheduleSeconds = try parser.schedule("--query-schedule").map { $0.map(Int64.init) }
        options.queryRatePerSecond = try parser.number("--query-rate", minimum: 1)
        options.webhookScheduleSeconds = try parser.schedule("--webhook-schedule")
        options.auditSecurityFlushSeconds = try parser.number("--audit-flush-seconds", minimum: 1)
        options.auditCheckpointSeconds = try parser.number("--audit-checkpoint-seconds", minimum: 1)
        try parser.positive("--channel-connect-timeout-ms", &options.channelConnectTimeoutMilliseconds)
        try parser.positive("--channel-total-timeout-ms", &options.channelTotalTimeoutMilliseconds)
        if let grace = try parser.number("--channel-key-grace-seconds", minimum: 0) { options.channelKeyGraceSeconds = Int64(grace) }
        try parser.positive("--sandbox-threads", &options.sandboxThreads)
        try parser.positive("--sandbox-callback-senders", &options.sandboxCallbackSenders)
        if let fast = try parser.number("--sandbox-fast-retries", minimum: 0) {
            guard fast <= 1 else { throw SetupError(.argumentInvalid, "--sandbox-fast-retries must be 0 or 1, got \(fast)") }
            options.sandboxFastRetries = fast == 1
        }
        options.riskRulesFile = try parser.absolutePath("--risk-rules")
        options.riskModelFile = try parser.absolutePath("--risk-model")
        guard (options.riskRulesFile == nil) == (options.riskModelFile == nil) else {
            throw SetupError(.argumentInvalid, "--risk-rules and --risk-model go together")
        }
        if let risk = parser.values.removeValue(forKey: "--risk") {
            guard risk == "on" || risk == "off" else { throw SetupError(.argumentInvalid, "--risk must be on or off, got '\(risk)'") }
            options.riskEnabled = risk == "on"
        }
        guard parser.values.isEmpty else {
            throw SetupError(.argumentInvalid, "unknown option \(parser.values.keys.sorted().joined(separator: ", "))")
        }
        return (root, options)
    }

    /// Takes each flag's value out of `values`, so what is left over is unknown.
    private struct Parser {
        var values: [String: String]

        mutating func number(_ flag: String, minimum: Int) throws(SetupError) -> Int? {
            guard let text = values.removeValue(forKey: flag) else { return nil }
            guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
                value >= minimum, value <= InitOptions.numberMax
            else {
                throw SetupError(
                    .argumentInvalid, "\(flag) must be a whole number from \(minimum) to \(InitOptions.numberMax), got '\(text)'")
            }
            return value
        }

        mutating func absolutePath(_ flag: String) throws(SetupError) -> String? {
            guard let path = values.removeValue(forKey: flag) else { return nil }
            guard path.hasPrefix("/") else { throw SetupError(.argumentInvalid, "\(flag) must be an absolute path, got '\(path)'") }
            return path
        }

        mutating func positive(_ flag: String, _ target: inout Int) throws(SetupError) {
            if let value = try number(flag, minimum: 1) { target = value }
        }

        mutating func port(_ flag: String) throws(SetupError) -> Int {
            guard let port = try number(flag, minimum: 1) else { throw SetupError(.argumentInvalid, "init needs \(flag)") }
            guard port <= Int(UInt16.max) else { throw SetupError(.argumentInvalid, "\(flag) must be a TCP port number, got \(port)") }
            return port
        }

        /// Comma-separated whole seconds >= 1, e.g. `1,1,2`.
        mutating func schedule(_ flag: String) throws(SetupError) -> [Int]? {
            guard let text = values.removeValue(forKey: flag) else { return nil }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let steps = parts.map { part in part.count <= 10 && part.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(part) : nil }
            guard !steps.isEmpty, steps.count <= InitOptions.scheduleStepCountMax,
                steps.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= InitOptions.numberMax })
            else {
                throw SetupError(
                    .argumentInvalid,
                    "\(flag) must be up to \(InitOptions.scheduleStepCountMax) comma-separated whole seconds >= 1, got '\(text)'")
            }
            return steps.compactMap { $0 }
        }
    }
}
