import PaygateCore
import Redis

/// The arguments of one run of `RiskCounterScript` and the reading of its answer: pure, so the
/// layout is tested without a server (Tests/StorageTests/RiskCounterCallTests).
struct RiskCounterCall: Equatable {
    var arguments: [String]
    /// The counters the script reads, in the order of its answer.
    var reads: [RiskCounterKey]
    /// Counters known without asking (the distinct users of a user is that one user).
    var known: [RiskCounterKey: Int64]

    /// A create: written under each subject it carries, then `reading` read (keys whose subject
    /// the create lacks are left out, so they stay unknown).
    static func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) -> RiskCounterCall {
        let now = attempt.at.millisecondsSinceEpoch
        let subjects = presentSubjects(attempt.subjects)
        let userDigest = attempt.subjects.payerUser.map(RiskCounterLayout.digest) ?? ""
        let order = attempt.order.map { RiskCounterLayout.keyPrefix + "order:" + RiskCounterLayout.digest($0) } ?? ""
        var arguments = ["observe", String(attempt.amountMinorUnits), order, String(RiskAttempt.orderMemorySeconds * 1000)]
        // Only the widths something reads: a rule added later starts from empty counters.
        arguments += widthArguments(at: now, widths: Set(reading.map { RiskCounterLayout.bucketWidth(windowSeconds: $0.windowSeconds) }))
        arguments.append(String(subjects.count))
        for (subject, value) in subjects {
            arguments.append(RiskCounterLayout.subjectPrefix(subject, value))
            arguments.append(subject == .payerUser ? "" : userDigest)
        }
        if let user = attempt.subjects.payerUser, let device = attempt.subjects.payerDevice {
            arguments += [
                RiskCounterLayout.devicesKey(user: user), RiskCounterLayout.digest(device),
                String(RiskCounterLayout.deviceMemoryMilliseconds), String(RiskCounterLayout.devicesPerUserMax),
            ]
        } else {
            arguments += ["", "", "0", "0"]
        }
        var reads: [RiskCounterKey] = []
        var known: [RiskCounterKey: Int64] = [:]
        var readArguments: [String] = []
        // Sorted, so one set of keys always makes the same arguments (tests, and the script's order).
        for key in reading.sorted(by: { $0.description < $1.description }) {
            guard let index = subjects.firstIndex(where: { $0.subject == key.subject }) else { continue }
            if key.subject == .payerUser, key.measure == .distinctUsers {
                known[key] = 1
                continue
            }
            let range = RiskCounterLayout.buckets(windowSeconds: key.windowSeconds, at: now)
            readArguments += [
                String(index + 1), RiskCounterLayout.measureCode(key.measure), String(range.width), String(range.first),
                String(range.last),
            ]
            reads.append(key)
        }
        arguments.append(String(reads.count))
        arguments += readArguments
        return RiskCounterCall(arguments: arguments, reads: reads, known: known)
    }

    /// The device remembered as its user's; nil without both.
    static func device(_ subjects: RiskSubjects) -> RiskCounterCall? {
        guard let user = subjects.payerUser, let device = subjects.payerDevice else { return nil }
        let arguments = [
            "device", RiskCounterLayout.devicesKey(user: user), RiskCounterLayout.digest(device),
            String(RiskCounterLayout.deviceMemoryMilliseconds), String(RiskCounterLayout.devicesPerUserMax),
        ]
        return RiskCounterCall(arguments: arguments, reads: [], known: [:])
    }

    /// A decline, counted under each subject present (at every width: declines are few).
    static func decline(_ subjects: RiskSubjects, at time: Timestamp) -> RiskCounterCall {
        let present = presentSubjects(subjects)
        var arguments = ["decline"] + widthArguments(at: time.millisecondsSinceEpoch)
        arguments.append(String(present.count))
        arguments += present.map { RiskCounterLayout.subjectPrefix($0.subject, $0.value) }
        return RiskCounterCall(arguments: arguments, reads: [], known: [:])
    }

    /// The script's answer to an observe: `[deviceNew, value...]`, one value per read.
    func observation(from reply: RedisReply) throws(RedisError) -> RiskObservation {
        guard let elements = reply.array, elements.count == reads.count + 1 else {
            throw RedisError(.protocolViolation, "risk script answered \(reply), expected \(reads.count + 1) integers")
        }
        let integers = elements.compactMap(\.integer)
        guard integers.count == elements.count, (-1...1).contains(integers[0]) else {
            throw RedisError(.protocolViolation, "risk script answered \(reply)")
        }
        var counters = known
        for (key, value) in zip(reads, integers.dropFirst()) { counters[key] = value }
        return RiskObservation(counters: counters, deviceNewToUser: integers[0] == -1 ? nil : integers[0] == 1)
    }

    private static func presentSubjects(_ subjects: RiskSubjects) -> [(subject: RiskSubject, value: String)] {
        RiskSubject.allCases.compactMap { subject in subjects.value(of: subject).map { (subject, $0) } }
    }

    private static func widthArguments(
        at milliseconds: Int64, widths: Set<Int64> = Set(RiskCounterLayout.bucketWidthsMilliseconds)
    ) -> [String] {
        let written = RiskCounterLayout.bucketWidthsMilliseconds.filter(widths.contains)
        var arguments = [String(written.count)]
        for width in written {
            arguments += [
                String(width), String(RiskCounterLayout.bucket(at: milliseconds, width: width)),
                String(RiskCounterLayout.ttlMilliseconds(width: width, at: milliseconds)),
            ]
        }
        return arguments
    }
}
