// paygate: the FastCGI pool. `paygate --config FILE` runs the master in the foreground; it forks
// the workers, each serving the gateway on its threads. SIGTERM stops it gracefully, SIGHUP
// replaces the workers without dropping requests.
import Gateway
import Glibc
import PaygateCore
import Pool

func complain(_ message: String) {
    _ = message.withCString { write(2, $0, strlen($0)) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, arguments[0] == "--config" else {
    complain("usage: paygate --config FILE\n")
    exit(2)
}
let configuration: Configuration
do {
    configuration = try Configuration.load(path: arguments[1])
} catch {
    complain("paygate: \(error)\n")
    exit(1)
}
let log = Log(component: "paygate")
let factory: any RequestHandlerFactory
do {
    factory = try GatewayFactory(configuration: configuration, log: log)
} catch {
    complain("paygate: cannot start the gateway: \(error)\n")
    exit(1)
}
// On SIGHUP the master re-reads the configuration (e.g. a new slot_map after moving slots), so
// the new generation of workers serves it; a file that does not load refuses the reload.
let configurationPath = arguments[1]
let reloadFactory: (() -> (any RequestHandlerFactory)?)? = {
    do {
        return try GatewayFactory(configuration: Configuration.load(path: configurationPath), log: log)
    } catch {
        complain("paygate: reload: \(error)\n")
        return nil
    }
}
exit(PoolServer.run(configuration: configuration.pool, factory: factory, reloadFactory: reloadFactory, log: Log(component: "pool")))
