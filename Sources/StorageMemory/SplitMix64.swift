/// A tiny seeded generator (Steele, Lea and Flood's SplitMix64) so a simulation run is a pure
/// function of its seed: the same seed replays the same interleaving on every machine. For
/// simulations and randomized tests only; never a source of ids or secrets (`SecureRandom` is).
public struct SplitMix64 {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound. The modulo bias is irrelevant for bounds this small.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// True with probability percent / 100.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
