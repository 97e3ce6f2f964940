import PaygateCore
import PaygateCrypto

/// How the risk counters are laid out in Redis: pure arithmetic, no I/O (`RedisRiskSignals`
/// carries it out in one Lua script per call).
///
/// Design. A create costs a bounded number of keys, whatever the traffic in a window (a merchant
/// may do 1,000 creates/s; no key holds one entry per create), and nothing ever needs cleaning up:
///
/// - Counts (`c`) and sums of amounts in minor units (`s`) are sliding windows of fixed
///   sub-buckets. Sub-bucket widths form one ladder, `bucketWidthsMilliseconds` (100 ms to 12 h);
///   a window uses the widest sub-bucket that still cuts it into at least `subBucketsMin` (10)
///   pieces, so a 10-min window reads 11 one-minute buckets, a day 13 two-hour buckets, a 7-day
///   window 15 twelve-hour buckets, a 1-s window ten 100-ms buckets.
/// - The sub-buckets of one (subject, measure, width) are a ring of slots, each a (bucket, value)
///   pair of little-endian doubles, the bucket's slot being `bucket mod slots`. The ring has room
///   for every bucket of the longest window the loaded rules and model read from it, so a slot is
///   overwritten only by a bucket that no window needs any more. A subject's rings lie back to
///   back in one key named after their layout (`RiskCounterPlan.Group`): one GET reads every
///   window of the subject, one SET (which renews the TTL) writes the create.
/// - A window `[now - W, now]` is read as every bucket that overlaps it, the oldest one whole:
///   the count covers up to one sub-bucket (at most W/10) more than the window. This errs on the
///   side of catching fraud (a counter is never below the exact count, at most about 10 % of the
///   window older), never on the side of missing it.
/// - A create writes only the (subject, measure, width) rings the loaded rules and model read;
///   a reload that changes a subject's rings starts that subject's counts and sums afresh.
/// - Declines (`d`) and distinct users (`u`) are sorted sets per subject: a decline's time, or
///   each user with the last time it was seen. A window is one ZCOUNT from `now - W`: exact, for
///   any window. Both are capped (`declinesPerSubjectMax`, `usersPerSubjectMax`: the oldest entry
///   leaves first, so past the cap a counter reads the cap), and the key expires once idle for
///   the longest window kept (declines: a week; users: the longest window that reads them). The
///   distinct users of `payer.user_id` itself is 1 and is not stored.
/// - A user's devices are a set with a long sliding TTL (`deviceMemoryMilliseconds`, 90 days);
///   "new to the user" is decided before this create's device is added. The set is capped
///   (`devicesPerUserMax`): past the cap a device is reported new and not remembered.
/// - Keys are namespaced `pg:risk:v2:<subject>:<digest>:...`; subject values (addresses, device
///   and user ids, merchant ids) are SHA-256 digests cut to 32 hex characters, so a key's length is
///   bounded whatever a payer sends, and no payer data is kept in Redis in clear. (`v1` keys, one
///   per sub-bucket, expire by themselves.)
enum RiskCounterLayout {
    static let keyPrefix = "pg:risk:v2:"
    static let subBucketsMin: Int64 = 10
    /// Neighbours at most about three times apart, so a window overlaps 10 to about 35 buckets.
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

    /// Declines are kept for the longest window the rules may name.
    static let declinesKeptMilliseconds = windowMillisecondsMax
    static let declinesPerSubjectMax = 1_000
    static let usersPerSubjectMax = 1_000

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

    /// The prefix of every counter key of one subject's value, from the value's digest.
    static func subjectPrefix(_ subject: RiskSubject, digest: String) -> String {
        keyPrefix + tag(subject) + ":" + digest
    }

    static func subjectPrefix(_ subject: RiskSubject, _ value: String) -> String {
        subjectPrefix(subject, digest: digest(value))
    }

    /// A subject's rings, named after their layout (`RiskCounterPlan.Group`).
    static func ringsKey(prefix: String, layout: String) -> String {
        prefix + ":r:" + layout
    }

    /// A short name for a layout such as "c60000x11,s43200000x15" (measure, width, slots of each
    /// ring in order): any number of rings makes a key of one length.
    static func layoutTag(_ layout: String) -> String {
        String(SHA256Digest.hexHash(Array(layout.utf8)).prefix(layoutTagLength))
    }

    static let layoutTagLength = 12

    /// The sorted set of a subject's declines (`d`) or users (`u`).
    static func setKey(prefix: String, measure: RiskMeasure) -> String {
        prefix + ":" + measureCode(measure)
    }

    /// The set of a user's devices.
    static func devicesKey(userDigest: String) -> String {
        keyPrefix + "devices:" + userDigest
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
