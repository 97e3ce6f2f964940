import Foundation
import MariaDB
import PaygateCore
import Storage
import XCTest

/// The store contract (`StoreContract`) on MariaDB's stores over real shards: the reference the
/// twin is held to. It needs running MariaDB servers: `PAYGATE_STORE_TEST_CONFIG` names the
/// configuration file of a stack (scripts/e2e.sh runs this class once its stack is up and its
/// pytest suite is done). Without it every test FAILS: a missing database is not a pass.
///
/// Every test writes for merchants of its own (fresh ids per run), so the rows of other runs and
/// of the end-to-end tests never answer its reads. The stack's worker must not run meanwhile: it
/// would claim and carry out the refunds these tests claim (late payments' among them; e2e.sh stops it
/// first). The unit phase of `make test` skips this class.
final class MariaDBStoreContractTests: XCTestCase {
    static let configurationVariable = "PAYGATE_STORE_TEST_CONFIG"

    /// The shards, opened once for the whole class (every test's rows are its own anyway); nil
    /// when the variable is not set.
    private static let opened: Result<OpenedShards, any Error>? = {
        guard let path = ProcessInfo.processInfo.environment[configurationVariable], !path.isEmpty else { return nil }
        return Result {
            Connection.initializeLibraryOnce()
            let configuration = try Configuration.load(path: path)
            return OpenedShards(shards: try ShardConnections(configuration: configuration.database), fees: configuration.channelFees)
        }
    }()

    private struct OpenedShards: Sendable {
        var shards: ShardConnections
        var fees: [Channel: ChannelFee]
    }

    let contract = StoreContract {
        guard let opened = MariaDBStoreContractTests.opened else { throw MissingConfiguration() }
        let open = try opened.get()
        return StoresUnderTest(
            payments: PaymentStore(shards: open.shards, channelFees: open.fees), refunds: RefundStore(shards: open.shards),
            recon: ReconStore(shards: open.shards), clock: SystemClock())
    }

    /// A missing configuration fails every test (here, and again when its body asks for the
    /// stores): not thrown from setUp, which this XCTest would report as a skip.
    override func setUp() {
        super.setUp()
        if MariaDBStoreContractTests.opened == nil {
            XCTFail(
                "\(MariaDBStoreContractTests.configurationVariable) is not set: it must name the paygate.json of a running stack (scripts/e2e.sh sets it)"
            )
        }
    }

    struct MissingConfiguration: Error, CustomStringConvertible {
        var description: String { "\(MariaDBStoreContractTests.configurationVariable) is not set" }
    }

    func testApplyPrepayAcceptedMovesToProcessing() throws { try contract.applyPrepayAcceptedMovesToProcessing() }
    func testApplyPaidCallbackSucceedsOnce() throws { try contract.applyPaidCallbackSucceedsOnce() }
    func testApplyWrongAmountIsAnomalyAndChangesNothing() throws { try contract.applyWrongAmountIsAnomalyAndChangesNothing() }
    func testApplyFailedAndClosedReports() throws { try contract.applyFailedAndClosedReports() }
    func testApplyExpiryClosesOnlyExpiredCreated() throws { try contract.applyExpiryClosesOnlyExpiredCreated() }
    func testApplyPaidAfterCloseRecordsLateRefundOnce() throws { try contract.applyPaidAfterCloseRecordsLateRefundOnce() }
    func testLatePaymentRefundSucceedsWithoutTouchingThePayment() throws {
        try contract.latePaymentRefundSucceedsWithoutTouchingThePayment()
    }
    func testApplyFiltersByMerchantAndChannel() throws { try contract.applyFiltersByMerchantAndChannel() }
    func testApplyWithReusedNonceThrows() throws { try contract.applyWithReusedNonceThrows() }
    func testApplyOnSnapshotStepsAndFallsBack() throws { try contract.applyOnSnapshotStepsAndFallsBack() }
    func testClaimDueIsDisjointAndLeased() throws { try contract.claimDueIsDisjointAndLeased() }
    func testClaimReturnsPaymentsAsStored() throws { try contract.claimReturnsPaymentsAsStored() }
    func testReleaseGivesBackOnlyOwnLease() throws { try contract.releaseGivesBackOnlyOwnLease() }
    func testScheduleCheckMovesOnlyOpenPayments() throws { try contract.scheduleCheckMovesOnlyOpenPayments() }
    func testCreateInsertsAndReadsBack() throws { try contract.createInsertsAndReadsBack() }
    func testCreateAfterAcceptedPrepayIsProcessing() throws { try contract.createAfterAcceptedPrepayIsProcessing() }
    func testCreateIdenticalTermsAnswersExisting() throws { try contract.createIdenticalTermsAnswersExisting() }
    func testCreateOtherAmountOrChannelConflicts() throws { try contract.createOtherAmountOrChannelConflicts() }
    func testCreateWithReusedNonceWritesNothing() throws { try contract.createWithReusedNonceWritesNothing() }
    func testCreateWithTakenIdThrowsCollision() throws { try contract.createWithTakenIdThrowsCollision() }
    func testRecordNonceOnce() throws { try contract.recordNonceOnce() }
    func testRecordNonceIsPerShard() throws { try contract.recordNonceIsPerShard() }
    func testFindIsPerMerchant() throws { try contract.findIsPerMerchant() }
    func testListPagesNewestFirst() throws { try contract.listPagesNewestFirst() }
    func testListFilters() throws { try contract.listFilters() }
    func testRefundCreateAdmitsAndReadsBack() throws { try contract.refundCreateAdmitsAndReadsBack() }
    func testRefundCreateRepeatAndConflict() throws { try contract.refundCreateRepeatAndConflict() }
    func testRefundCreateRefusals() throws { try contract.refundCreateRefusals() }
    func testRefundCreateReservesAmount() throws { try contract.refundCreateReservesAmount() }
    func testRefundApplyAccepted() throws { try contract.refundApplyAccepted() }
    func testRefundApplySucceededChangesPayment() throws { try contract.refundApplySucceededChangesPayment() }
    func testRefundApplyFailed() throws { try contract.refundApplyFailed() }
    func testRefundApplyWrongAmountIsAnomaly() throws { try contract.refundApplyWrongAmountIsAnomaly() }
    func testRefundApplyFiltersByChannel() throws { try contract.refundApplyFiltersByChannel() }
    func testRefundClaimDueAndSchedule() throws { try contract.refundClaimDueAndSchedule() }
    func testRefundClaimLongestWaitingFirst() throws { try contract.refundClaimLongestWaitingFirst() }
    func testReconRerunKeepsASettlementOrResolutionUntilTheResultChanges() throws {
        try contract.reconRerunKeepsASettlementOrResolutionUntilTheResultChanges()
    }
    func testReconReadsOurRecordsAndWhatNoLineNames() throws { try contract.reconReadsOurRecordsAndWhatNoLineNames() }
    func testReconAwaitingItemsSeeTheNextDaysLines() throws { try contract.reconAwaitingItemsSeeTheNextDaysLines() }
    func testReconRunsCountAndRecordHowTheyEnded() throws { try contract.reconRunsCountAndRecordHowTheyEnded() }
    func testRiskDecisionIsStoredWithThePayment() throws { try contract.riskDecisionIsStoredWithThePayment() }
    func testRiskDecisionChangesOnlyFromTheOneExpected() throws { try contract.riskDecisionChangesOnlyFromTheOneExpected() }
    func testRiskBlocksAreAppended() throws { try contract.riskBlocksAreAppended() }
}
