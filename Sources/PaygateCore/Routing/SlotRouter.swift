/// Derives the virtual slot of a business key. The hash is FNV-1a 64 over the UTF-8 bytes and
/// must never change: slots are stored in payment ids and in every row.
public enum SlotRouter {
    /// Ids print the slot as four hex digits.
    public static let slotCountMax = 65_536

    public static func fnv1a64(_ parts: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 {
                // A separator byte that cannot appear in ids keeps ("ab","c") apart from ("a","bc").
                hash ^= 0x1F
                hash = hash &* 0x0000_0100_0000_01B3
            }
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }

    /// The slot of a payment: from (merchant_id, merchant_order_no), so both lookups touch one shard.
    public static func paymentSlot(merchantId: String, merchantOrderNo: String, slotCount: Int) -> Int {
        Int(fnv1a64([merchantId, merchantOrderNo]) % UInt64(slotCount))
    }

    /// The slot holding a merchant's Idempotency-Key record.
    public static func idempotencySlot(merchantId: String, key: String, slotCount: Int) -> Int {
        Int(fnv1a64(["idem", merchantId, key]) % UInt64(slotCount))
    }
}
