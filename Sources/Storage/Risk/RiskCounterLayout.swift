import PaygateCore
import PaygateCrypto

/// How the risk counters are laid out in Redis: pure arithmetic, no I/O (`RedisRiskSignals`
/// carries it out in one Lua script per call).
///
/// Design. Every counter is a sliding window made of fixed sub-buckets, each its own Redis key
/// with a TTL, so nothing ever needs cleaning up and the cost of a create does not grow with the
/// traffic in the window (a merchant may do 1,000 creates/s; we never store one entry per event):
///
/// - Sub-bucket widths form one ladder, `bucketWidthsMilliseconds` (100 ms to 12 h). A window uses
///   the widest sub-bucket that still cuts it into at least `subBucketsMin` (10) pieces, so a 10-min
///   window reads 11 one-minute buckets, a day 13 two-hour buckets, a 7-day window 15 twelve-hour
///   buckets, a 1-s window ten 100-ms buckets. At most about 35 keys are read per counter.
/// - A create writes its subjects' buckets at the widths the loaded rules and model read (a
///   bounded number of keys: a few widths x at most 4 subjects); a rule added at a reload that
///   needs another width starts from empty counters there.
/// - A window `[now - W, now]` is read as every bucket that overlaps it, the oldest one whole:
///   the count covers up to one sub-bucket (at most W/10) more than the window. This errs on the
///   side of catching fraud (a counter is never below the exact count, at most about 10 % of the
///   window older), never on the side of missing it.
/// - Measures per (subject, width, bucket): `c` count of creates (INCR), `s` sum of amounts in
///   minor units (INCRBY), `d` declines (INCR), `u` a HyperLogLog of the users seen (PFADD; the
///   window's distinct users are one PFCOUNT over its buckets' keys, about 0.8 % standard error).
///   The distinct users of `payer.user_id` itself is 1 and is not stored.
/// - A user's devices are a set with a long sliding TTL (`deviceMemoryMilliseconds`, 90 days);
///   "new to the user" is decided before this create's device is added. The set is capped
///   (`devicesPerUserMax`): past the cap a device is reported new and not remembered.
/// - A bucket's key lives until the widest window that reads its width no longer reaches it,
///   plus one sub-bucket of margin (`ttlMilliseconds`).
/// - Keys are namespaced `pg:risk:v1:<subject>:<digest>`; subject values (addresses, device and
///   user ids, merchant ids) are SHA-256 digests cut to 32 hex characters, so a key's length is
///   bounded whatever a payer sends, and no payer data is kept in Redis in clear.
enum RiskCounterLayout {
    static let keyPrefix = "pg:risk:v1:"
    static let subBucketsMin: Int64 = 10
    /// Neighbours at most about three times apart, so a window reads 10 to about 34 buckets (a
    /// wider ladder read up to 61, and merging that many HyperLogLogs per create was most of the
    /// script's time). A create writes only the widths something reads.
    static let bucketWidthsMilliseconds: [Int64] = [
        100, 300, 1_000, 3_000, 10_000, 30_000, 60_000, 180_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000,
    ]
    static let windowMillisecondsMax = Int64(RiskCounterKey.windowSecondsRange.upperBound) * 1000
    static let deviceMemoryMilliseconds: Int64 = 90 * 86_400_000
    static let devicesPerUserMax = 1_000
    static let digestHexLength = 32

    /// The widest sub-bucket that cuts the window into at least `subBucketsMin` pieces.
    static func bucketWidth(windowSeconds: Int) -> Int64 {
        let window = Int64(windowSeconds) * 1000
        return bucketWidthsMilliseconds.last { window >= $0 * subBucketsMin } ?? bucketWidthsMilliseconds[0]
    }

    /// The widest window that reads buckets of `width`: just under the window that would move to
    /// the next width, or the longest window for the widest one.
    static func windowMillisecondsMax(width: Int64) -> Int64 {
        guard let index = bucketWidthsMilliseconds.firstIndex(of: width) else {
            preconditionFailure("\(width) ms is not a sub-bucket width")
        }
        let next = index + 1 < bucketWidthsMilliseconds.count ? bucketWidthsMilliseconds[index + 1] : nil
        guard let next else { return windowMillisecondsMax }
        return min(windowMillisecondsMax, next * subBucketsMin - 1)
    }

    /// The bucket holding the instant `milliseconds` (floor division: times before 1970 too).
    static func bucket(at milliseconds: Int64, width: Int64) -> Int64 {
        let quotient = milliseconds / width
        return milliseconds % width < 0 ? quotient - 1 : quotient
    }

    /// The buckets a window ending at `milliseconds` reads: every one that overlaps it.
    static func buckets(windowSeconds: Int, at milliseconds: Int64) -> (width: Int64, first: Int64, last: Int64) {
        let width = bucketWidth(windowSeconds: windowSeconds)
        let first = bucket(at: milliseconds - Int64(windowSeconds) * 1000, width: width)
        return (width, first, bucket(at: milliseconds, width: width))
    }

    /// The TTL of the bucket written at `milliseconds`: it ends at `(b + 1) * width`, and the widest
    /// window of its width reaches back to it until `windowMillisecondsMax(width)` after that.
    static func ttlMilliseconds(width: Int64, at milliseconds: Int64) -> Int64 {
        let end = (bucket(at: milliseconds, width: width) + 1) * width
        return end + windowMillisecondsMax(width: width) + width - milliseconds
    }

    static func tag(_ subject: RiskSubject) -> String {
        switch subject {
        case .payerIP: "ip"
        case .payerDevice: "dev"
        case .payerUser: "usr"
        case .merchant: "mch"
        }
    }

    static func digest(_ value: String) -> String {
        String(SHA256Digest.hexHash(Array(value.utf8)).prefix(digestHexLength))
    }

    /// The prefix of every counter key of one subject's value.
    static func subjectPrefix(_ subject: RiskSubject, _ value: String) -> String {
        keyPrefix + tag(subject) + ":" + digest(value)
    }

    /// The set of a user's devices.
    static func devicesKey(user: String) -> String {
        keyPrefix + "devices:" + digest(user)
    }

    static func measureCode(_ measure: RiskMeasure) -> String {
        switch measure {
        case .count: "c"
        case .sum: "s"
        case .declines: "d"
        case .distinctUsers: "u"
        }
    }
}
