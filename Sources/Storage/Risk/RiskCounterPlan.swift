import PaygateCore

/// What an observe writes and reads for one set of counters (the loaded rules' and model's),
/// worked out once per set rather than per create: the rings to keep, the subjects whose users
/// are kept and for how long, and where each counter is read from. Pure; `RiskCounterCall` fills
/// in one create's subjects and time.
struct RiskCounterPlan {
    /// One (subject, measure, width) ring: counts or sums.
    struct Ring: Equatable {
        var subject: RiskSubject
        var measure: RiskMeasure
        var width: Int64
        /// The longest window read from it.
        var windowMilliseconds: Int64 = 0

        /// Enough slots for every bucket that its longest window overlaps.
        var slots: Int { Int((windowMilliseconds + width - 1) / width + 1) }

        /// The last bucket written ends within one width of the write, and the longest window
        /// reads it until that long after.
        var ttlMilliseconds: Int64 { windowMilliseconds + width }

        func isSame(_ other: Ring) -> Bool { subject == other.subject && measure == other.measure && width == other.width }
    }

    /// The rings of one subject, stored back to back in one key, in `rings`' order: one GET and
    /// one SET per subject. The key is named after the layout, so a plan that lays them out
    /// otherwise (a reload that changed the rules) uses keys of its own, which start empty,
    /// while the pool processes of the previous plan finish with theirs.
    struct Group: Equatable {
        var subject: RiskSubject
        /// Indexes into `rings`, and where each starts in the key, in slots.
        var rings: [Int]
        var offsets: [Int]
        var slots: Int
        var layout: String
        var ttlMilliseconds: Int64
    }

    enum Source: Equatable {
        /// The ring at this index of `rings`, over the window.
        case ring(Int)
        /// The subject's sorted set of the measure (declines or users), from `now - window`.
        case set
        /// Known without asking: the distinct users of a user is that one user.
        case one
    }

    struct Read: Equatable {
        var key: RiskCounterKey
        var source: Source
    }

    let reading: Set<RiskCounterKey>
    let rings: [Ring]
    let groups: [Group]
    /// The subjects whose users are kept (not the user itself), each for its longest window.
    let usersKept: [(subject: RiskSubject, milliseconds: Int64)]
    let reads: [Read]
    /// The subjects some counter follows; the others' digests are never computed.
    let followed: Set<RiskSubject>

    init(reading: Set<RiskCounterKey>) {
        self.reading = reading
        // Sorted, so one set always makes the same arguments (tests, and the script's order).
        let keys = reading.sorted {
            ($0.subject.rawValue, $0.measure.rawValue, $0.windowSeconds) < ($1.subject.rawValue, $1.measure.rawValue, $1.windowSeconds)
        }
        var rings: [Ring] = []
        var usersKept: [RiskSubject: Int64] = [:]
        var reads: [Read] = []
        for key in keys {
            switch key.measure {
            case .count, .sum:
                let ring = Ring(
                    subject: key.subject, measure: key.measure, width: RiskCounterLayout.bucketWidth(windowSeconds: key.windowSeconds))
                let index = rings.firstIndex { $0.isSame(ring) } ?? rings.count
                if index == rings.count { rings.append(ring) }
                rings[index].windowMilliseconds = max(rings[index].windowMilliseconds, Int64(key.windowSeconds) * 1000)
                reads.append(Read(key: key, source: .ring(index)))
            case .declines:
                reads.append(Read(key: key, source: .set))
            case .distinctUsers where key.subject == .payerUser:
                reads.append(Read(key: key, source: .one))
            case .distinctUsers:
                usersKept[key.subject] = max(usersKept[key.subject] ?? 0, Int64(key.windowSeconds) * 1000)
                reads.append(Read(key: key, source: .set))
            }
        }
        self.rings = rings
        var groups: [Group] = []
        for (index, ring) in rings.enumerated() {
            if groups.last?.subject != ring.subject {
                groups.append(Group(subject: ring.subject, rings: [], offsets: [], slots: 0, layout: "", ttlMilliseconds: 0))
            }
            let last = groups.count - 1
            groups[last].rings.append(index)
            groups[last].offsets.append(groups[last].slots)
            groups[last].slots += ring.slots
            groups[last].ttlMilliseconds = max(groups[last].ttlMilliseconds, ring.ttlMilliseconds)
        }
        for index in groups.indices {
            let layout = groups[index].rings.map {
                "\(RiskCounterLayout.measureCode(rings[$0].measure))\(rings[$0].width)x\(rings[$0].slots)"
            }
            groups[index].layout = RiskCounterLayout.layoutTag(layout.joined(separator: ","))
        }
        self.groups = groups
        self.usersKept = RiskSubject.allCases.compactMap { subject in usersKept[subject].map { (subject, $0) } }
        self.reads = reads
        followed = Set(reading.map(\.subject))
    }
}
