import Foundation
import PaygateCore
import Setup

/// `paygate-admin init ROOT --port PORT --sandbox-port PORT [options]`: writes a stack root's
/// master key, TLS material, channel keys and the two configuration files (StackInit in the Setup
/// module says what and with which modes). Runs before any configuration exists, so it never
/// reads --config. Says on stderr what it generated, never key text. Exit 2: bad arguments.
/// Prints `sandbox-configuration-changed` on stdout when ROOT/sandbox.json was rewritten with a
/// different content, for the script that decides whether to restart a running sandbox.
func initCommand(_ arguments: [String]) -> Never {
    do {
        let (root, options) = try InitOptions.parse(arguments)
        let result = try StackInit.run(try StackLayout(root: root), options)
        for note in result.notes {
            FileHandle.standardError.write(Data(("paygate-admin init: " + note + "\n").utf8))
        }
        if result.sandboxConfigurationChanged {
            print("sandbox-configuration-changed")
        }
        exit(0)
    } catch {
        fail(
            error.message + (error.code == .argumentInvalid ? "\nusage: " + InitOptions.usage : ""),
            code: error.code == .argumentInvalid ? 2 : 1)
    }
}

/// `paygate-admin channel-rotate ROOT CHANNEL`: a new platform key for CHANNEL; the current one
/// becomes the previous one (ChannelKeyRotation). Run init afterwards so paygate.json lists both.
func channelRotateCommand(_ arguments: [String]) -> Never {
    let usage = "usage: paygate-admin channel-rotate ROOT " + Channel.allCases.map(\.rawValue).joined(separator: "|")
    guard arguments.count == 2, let channel = Channel(rawValue: arguments[1]) else { fail(usage, code: 2) }
    do {
        try ChannelKeyRotation.rotate(try StackLayout(root: arguments[0]), channel: channel, now: .now())
        FileHandle.standardError.write(Data("paygate-admin channel-rotate: rotated the \(channel.rawValue) platform key\n".utf8))
        recordChannelRotation(root: arguments[0], channel: channel.rawValue, error: nil)
        exit(0)
    } catch {
        if error.code != .argumentInvalid {
            recordChannelRotation(root: arguments[0], channel: channel.rawValue, error: error.message)
        }
        fail(error.message, code: error.code == .argumentInvalid ? 2 : 1)
    }
}
