/// Every id paygate makes is a prefix naming what it identifies and lower-case hex digits:
/// `pay_`, `ref_` (time, slot and randomness: `SlottedIdKind`), `evt_`, `mch_`, `jnl_` (randomness). One
/// type for all, so the shape, its validation and its encoding exist once; the kind makes a
/// payment id and a refund id different types that cannot be passed for one another.
public protocol IdKind: Sendable {
    static var prefix: String { get }
    /// Hex digits after the prefix.
    static var hexDigits: Int { get }
}

extension IdKind {
    public static var hexDigits: Int { 32 }
}

/// Ids that carry their creation time and their slot: 12 hex digits of milliseconds, 4 of the
/// slot, 16 random (64 bits per millisecond per slot, from the system's CSPRNG; the primary key
/// catches the astronomically rare collision, which the caller retries). Time first means they
/// sort by creation time, so listing pages by id; the slot lets a channel callback that names only
/// the id find its shard.
public protocol SlottedIdKind: IdKind {}

public struct PrefixedId<Kind: IdKind>: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static var prefix: String { Kind.prefix }
    public static var length: Int { Kind.prefix.utf8.count + Kind.hexDigits }

    public let text: String

    /// Accepts only the exact shape; anything else is not one of ours (a lookup answers 404).
    public init?(_ text: String) {
        let bytes = text.utf8
        guard bytes.count == Self.length, text.hasPrefix(Kind.prefix),
            Hex.isLowercase(bytes.dropFirst(Kind.prefix.utf8.count))
        else { return nil }
        self.text = text
    }

    /// An id of random bytes (for kinds without time and slot): `Kind.hexDigits / 2` of them.
    public init(randomBytes: [UInt8]) {
        precondition(randomBytes.count * 2 == Kind.hexDigits, "\(Kind.prefix) ids take \(Kind.hexDigits / 2) random bytes")
        text = Kind.prefix + Hex.encode(randomBytes)
    }

    public var description: String { text }
    public static func < (a: Self, b: Self) -> Bool { a.text < b.text }
}

extension PrefixedId where Kind: SlottedIdKind {
    public init(millisecondsSinceEpoch: Int64, slot: Int, random: UInt64) {
        precondition(slot >= 0 && slot < SlotRouter.slotCountMax)
        text =
            Kind.prefix + Hex.encode(UInt64(millisecondsSinceEpoch), digits: 12) + Hex.encode(UInt64(slot), digits: 4)
            + Hex.encode(random, digits: 16)
    }

    private var digits: ArraySlice<UInt8> { Array(text.utf8)[Kind.prefix.utf8.count...] }

    public var slot: Int { Int(Hex.value(ofLowercase: digits.dropFirst(12).prefix(4))) }
    public var millisecondsSinceEpoch: Int64 { Int64(Hex.value(ofLowercase: digits.prefix(12))) }
}

public enum PaymentIdKind: SlottedIdKind { public static let prefix = "pay_" }
public enum RefundIdKind: SlottedIdKind { public static let prefix = "ref_" }
/// A reconciliation item (one statement line or one unlisted record), on its payment's shard.
public enum ReconItemIdKind: SlottedIdKind { public static let prefix = "rci_" }
/// The record of a create risk blocked (README "Risk"), on the shard its payment would have had.
public enum RiskBlockIdKind: SlottedIdKind { public static let prefix = "rbk_" }
/// A merchant notification's id: stable across every retry and resend (the merchant's
/// deduplication key, docs/API.md section 8).
public enum EventIdKind: IdKind { public static let prefix = "evt_" }
/// A journal entry's id (the ledger's own; never shown to merchants).
public enum JournalEntryIdKind: IdKind { public static let prefix = "jnl_" }
public enum MerchantIdKind: IdKind {
    public static let prefix = "mch_"
    public static let hexDigits = 24
}

public typealias PaymentId = PrefixedId<PaymentIdKind>
/// A refund lives on its payment's shard (same slot): one local transaction for both.
public typealias RefundId = PrefixedId<RefundIdKind>
public typealias ReconItemId = PrefixedId<ReconItemIdKind>
public typealias RiskBlockId = PrefixedId<RiskBlockIdKind>
public typealias EventId = PrefixedId<EventIdKind>
public typealias MerchantId = PrefixedId<MerchantIdKind>
public typealias JournalEntryId = PrefixedId<JournalEntryIdKind>
