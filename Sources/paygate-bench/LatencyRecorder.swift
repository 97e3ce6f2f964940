/// Latencies of one run, merged from every thread, reported as the benchmark table's columns.
struct LatencySummary {
    var count: Int
    var errors: Int
    var seconds: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double

    init(latenciesNanoseconds: [UInt64], errors: Int, seconds: Double) {
        let sorted = latenciesNanoseconds.sorted()
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int(Double(sorted.count) * fraction))
            return Double(sorted[index]) / 1_000_000
        }
        count = sorted.count
        self.errors = errors
        self.seconds = seconds
        p50Milliseconds = percentile(0.50)
        p99Milliseconds = percentile(0.99)
    }

    var requestsPerSecond: Double { seconds > 0 ? Double(count) / seconds : 0 }
}
