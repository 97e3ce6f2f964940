// paygate-sandbox: the channel sandbox (docs/API.md section 9). It plays Alipay, WeChat Pay
// (API v3) and UnionPay from their side for the local stack and the end-to-end tests, serving
// FastCGI behind nginx like the gateway, and posts each channel's signed callbacks to paygate,
// retrying on the channel's schedule until acknowledged.
//
//   paygate-sandbox --config FILE
//
// Runs the pool master in the foreground with ONE worker process (orders, refunds, faults and the
// callback queue live in that process's memory) of `threads` threads, plus `callback_senders`
// threads that send the callbacks. SIGTERM stops it. SIGHUP is refused: a new worker would start
// an empty world.
//
// Config file (JSON, absolute paths; ROOT is the stack root; written by `paygate-admin init`, key
// files laid out as Sources/Setup/Channels/ChannelFiles.swift says):
// {
//   "listen_socket": "ROOT/sandbox/sandbox.sock",    FastCGI unix socket nginx connects to
//   "pid_file": "ROOT/sandbox/sandbox.pid",          optional
//   "threads": 8,                                     optional, 1...4096, default 8 (one request each;
//                                                     a thread asleep in a latency fault holds one)
//   "callback_senders": 8,                            optional, 1...256, default 8: threads posting callbacks
//   "public_base_url": "https://127.0.0.1:9443",      what pay URLs and bill URLs start with
//   "callback_ca_file": "ROOT/tls/ca.pem",            CA of paygate's TLS certificate (optional: system store)
//   "callback_connect_timeout_ms": 1000,              optional, default 1000
//   "callback_total_timeout_ms": 10000,               optional, default 10000
//   "retry_schedules": {                              optional; a channel left out keeps its real schedule
//     "alipay": ["4m", "10m", "10m", "1h", "2h", "6h", "15h"],     delays after each failed attempt
//     "wechatpay": ["15s", "15s", "30s", "3m", "10m"],             units: ms, s, m, h; at most 16 steps
//     "unionpay": ["1m", "1m", "2m", "4m", "8m"]
//   },
//   "channels": {
//     "alipay": {"merchant_account_id": "2021000000000001",       the app_id paygate sends
//                "platform_key_file": "ROOT/channels/alipay/platform.key",
//                "merchant_key_files": ["ROOT/channels/alipay/merchant.pub"]},
//     "wechatpay": {"merchant_account_id": "1900000001",           the mchid paygate sends
//                   "platform_key_file": "ROOT/channels/wechatpay/platform.key",
//                   "platform_certificate_file": "ROOT/channels/wechatpay/platform.pem",   its serial is Wechatpay-Serial
//                   "merchant_key_files": ["ROOT/channels/wechatpay/merchant.pem"],       serial_no = certificate serial
//                   "apiv3_key_file": "ROOT/channels/wechatpay/apiv3.key"},
//     "unionpay": {"merchant_account_id": "777290058110048",       the merId paygate sends
//                  "platform_key_file": "ROOT/channels/unionpay/platform.key",
//                  "platform_certificate_file": "ROOT/channels/unionpay/platform.pem",     certId = decimal serial
//                  "merchant_key_files": ["ROOT/channels/unionpay/merchant.pem"]}
//   }
// }
// Private key files (platform keys, APIv3 key) must be mode 0600. Merchant key files may list
// several keys (a merchant key rotation); each is a PEM certificate or a PEM public key.
//
// nginx: a TLS `server` on 127.0.0.1:9443 (the stack's server certificate) whose `location /`
// passes everything to this socket with the usual fastcgi params (REQUEST_URI, REQUEST_METHOD,
// CONTENT_TYPE, CONTENT_LENGTH, HTTP_* headers incl. Authorization, REQUEST_ID). paygate's
// channel base URLs are then: Alipay gateway `https://127.0.0.1:9443/alipay/gateway.do`,
// WeChat Pay `https://127.0.0.1:9443/wechatpay`, UnionPay `https://127.0.0.1:9443/unionpay/gateway/api`.
// Control: GET/POST /sandbox/faults (JSON knobs), GET /sandbox/callbacks, GET /sandbox/health.
import Glibc
import HTTPClient
import PaygateCore
import Pool
import Sandbox

func complain(_ message: String) {
    _ = message.withCString { write(2, $0, strlen($0)) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, arguments[0] == "--config" else {
    complain("usage: paygate-sandbox --config FILE\n")
    exit(2)
}
let file: SandboxConfigurationFile
let configuration: SandboxConfiguration
do {
    file = try SandboxConfigurationFile.load(path: arguments[1])
    configuration = try file.sandboxConfiguration()
} catch {
    complain("paygate-sandbox: \(error)\n")
    exit(1)
}
let log = Log(component: "sandbox")
let state = SandboxState()
let dispatcher = CallbackDispatcher(
    configuration: configuration, state: state, clientConfiguration: file.callbackClient,
    senderCount: file.callbackSenderCount, log: log)
// libcurl is initialized in the worker after fork, before its threads start; the dispatcher
// thread starts there too, so it lives in the process that holds the state.
let factory = SandboxHandlerFactory(
    configuration: configuration, state: state, log: log,
    onWorkerStart: {
        HTTPClient.initializeOnce()
        dispatcher.start()
    })
let pool = PoolConfiguration(socketPath: file.listenSocket, workers: 1, threadsPerWorker: file.threadCount, pidFile: file.pidFile)
log.info("sandbox: serving \(configuration.publicBaseURL) on \(file.listenSocket) with \(file.threadCount) threads")
exit(
    PoolServer.run(
        configuration: pool, factory: factory,
        reloadFactory: {
            complain("paygate-sandbox: SIGHUP refused: the sandbox's state lives in its one worker\n")
            return nil
        }, log: Log(component: "sandbox-pool")))
