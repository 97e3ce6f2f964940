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

    /// A create: written under each subject it carries that a counter follows, then `plan`'s
    /// counters read (keys whose subject the create lacks are left out, so they stay unknown).
    static func observe(_ attempt: RiskAttempt, plan: RiskCounterPlan) -> RiskCounterCall {
        let now = attempt.at.millisecondsSinceEpoch
        let subjects = attempt.subjects
        let userDigest = subjects.payerUser.map(RiskCounterLayout.digest)
        let deviceDigest = subjects.payerDevice.map(RiskCounterLayout.digest)
        // Each value's digest once (the user's names its devices too).
        let prefixes = SubjectPrefixes(subjects, followed: plan.followed, userDigest: userDigest, deviceDigest: deviceDigest)
        let order = attempt.order.map { RiskCounterLayout.keyPrefix + "order:" + RiskCounterLayout.digest($0) } ?? ""
        var arguments = ["observe", String(now), order, String(RiskAttempt.orderMemorySeconds * 1000)]
        if let userDigest, let deviceDigest {
            arguments += [RiskCounterLayout.devicesKey(userDigest: userDigest), deviceDigest]
        } else {
            arguments += ["", ""]
        }
        arguments.append(userDigest ?? "")

        // Each subject's rings, one key: (key, ttl, total slots, n, n x (offset, slots, bucket, added)).
        // The script numbers the rings in the order they come.
        var ringNumbers = [Int?](repeating: nil, count: plan.rings.count)
        var groupArguments: [String] = []
        var groupCount = 0
        var ringCount = 0
        for group in plan.groups {
            guard let prefix = prefixes[group.subject] else { continue }
            groupCount += 1
            groupArguments += [
                RiskCounterLayout.ringsKey(prefix: prefix, layout: group.layout), String(group.ttlMilliseconds), String(group.slots),
                String(group.rings.count),
            ]
            for (member, ringIndex) in group.rings.enumerated() {
                let ring = plan.rings[ringIndex]
                ringCount += 1
                ringNumbers[ringIndex] = ringCount
                groupArguments += [
                    String(group.offsets[member]), String(ring.slots), String(RiskCounterLayout.bucket(at: now, width: ring.width)),
                    ring.measure == .sum ? String(attempt.amountMinorUnits) : "1",
                ]
            }
        }
        arguments.append(String(groupCount))
        arguments += groupArguments

        var userArguments: [String] = []
        if userDigest != nil {
            for (subject, kept) in plan.usersKept {
                guard let prefix = prefixes[subject] else { continue }
                userArguments += [
                    RiskCounterLayout.setKey(prefix: prefix, measure: .distinctUsers), String(kept),
                    String(RiskCounterLayout.usersPerSubjectMax),
                ]
            }
        }
        arguments.append(String(userArguments.count / 3))
        arguments += userArguments

        // The script answers the ring reads first, then the set reads.
        var ringReads: [RiskCounterKey] = []
        var setReads: [RiskCounterKey] = []
        var known: [RiskCounterKey: Int64] = [:]
        var ringArguments: [String] = []
        var setArguments: [String] = []
        for read in plan.reads {
            guard let prefix = prefixes[read.key.subject] else { continue }
            switch read.source {
            case .one:
                known[read.key] = 1
            case .ring(let index):
                guard let number = ringNumbers[index] else { preconditionFailure("a read of a ring that was not written") }
                let first = RiskCounterLayout.buckets(windowSeconds: read.key.windowSeconds, at: now).first
                ringArguments += [String(number), String(first)]
                ringReads.append(read.key)
            case .set:
                let start = now - Int64(read.key.windowSeconds) * 1000
                setArguments += [RiskCounterLayout.setKey(prefix: prefix, measure: read.key.measure), String(start)]
                setReads.append(read.key)
            }
        }
        arguments.append(String(ringReads.count))
        arguments += ringArguments
        arguments.append(String(setReads.count))
        arguments += setArguments
        let reads = ringReads + setReads
        return RiskCounterCall(arguments: arguments, reads: reads, known: known)
    }

    /// `observe(_:plan:)` with a plan made for this one call.
    static func observe(_ attempt: RiskAttempt, reading: Set<RiskCounterKey>) -> RiskCounterCall {
        observe(attempt, plan: RiskCounterPlan(reading: reading))
    }

    /// The device remembered as its user's; nil without both.
    static func device(_ subjects: RiskSubjects) -> RiskCounterCall? {
        guard let user = subjects.payerUser, let device = subjects.payerDevice else { return nil }
        let arguments = [
            "device", RiskCounterLayout.devicesKey(userDigest: RiskCounterLayout.digest(user)), RiskCounterLayout.digest(device),
            String(RiskCounterLayout.deviceMemoryMilliseconds), String(RiskCounterLayout.devicesPerUserMax),
        ]
        return RiskCounterCall(arguments: arguments, reads: [], known: [:])
    }

    /// A decline, counted under each subject present (whatever the rules read now: a rule added
    /// later finds the declines already there). `member` makes this decline's entry its own.
    static func decline(_ subjects: RiskSubjects, at time: Timestamp, member: String) -> RiskCounterCall {
        let now = time.millisecondsSinceEpoch
        let kept = RiskCounterLayout.declinesKeptMilliseconds
        let keys = RiskSubject.allCases.compactMap { subject in
            subjects.value(of: subject).map {
                RiskCounterLayout.setKey(prefix: RiskCounterLayout.subjectPrefix(subject, $0), measure: .declines)
            }
        }
        let arguments =
            [
                "decline", String(now), String(now) + ":" + member, String(kept), String(RiskCounterLayout.declinesPerSubjectMax),
                String(keys.count),
            ] + keys
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
}

/// The key prefix of each subject of one create that some counter follows; nil for the others.
private struct SubjectPrefixes {
    private let payerIP, payerDevice, payerUser, merchant: String?

    init(_ subjects: RiskSubjects, followed: Set<RiskSubject>, userDigest: String?, deviceDigest: String?) {
        func prefix(_ subject: RiskSubject, _ digest: @autoclosure () -> String?) -> String? {
            guard followed.contains(subject), let digest = digest() else { return nil }
            return RiskCounterLayout.subjectPrefix(subject, digest: digest)
        }
        payerIP = prefix(.payerIP, subjects.payerIP.map(RiskCounterLayout.digest))
        payerDevice = prefix(.payerDevice, deviceDigest)
        payerUser = prefix(.payerUser, userDigest)
        merchant = prefix(.merchant, RiskCounterLayout.digest(subjects.merchant))
    }

    subscript(subject: RiskSubject) -> String? {
        switch subject {
        case .payerIP: payerIP
        case .payerDevice: payerDevice
        case .payerUser: payerUser
        case .merchant: merchant
        }
    }
}
