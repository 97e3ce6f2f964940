import Jobs
import XCTest

/// The timeout workers of one process share each channel's query rate out whole.
final class TimeoutWorkerThreadsTests: XCTestCase {
    func testTheQueryRateIsSharedOutWhole() {
        XCTAssertEqual((0..<4).map { TimeoutWorker.queryRateShare(10, threads: 4, index: $0) }, [3, 3, 2, 2])
        XCTAssertEqual((0..<4).map { TimeoutWorker.queryRateShare(8, threads: 4, index: $0) }, [2, 2, 2, 2])
        XCTAssertEqual(TimeoutWorker.queryRateShare(50, threads: 1, index: 0), 50)
        for (rate, threads) in [(50, 4), (7, 3), (5, 5), (64, 64)] {
            XCTAssertEqual((0..<threads).map { TimeoutWorker.queryRateShare(rate, threads: threads, index: $0) }.reduce(0, +), rate)
        }
    }
}
