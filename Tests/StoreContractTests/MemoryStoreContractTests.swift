import PaygateCore
import StorageMemory
import XCTest

/// The store contract (`StoreContract`) on the in-memory twin: a fresh `MemoryStore` per test,
/// on the system clock like MariaDB's store (see `StoreContract`). Runs in the unit phase of
/// `make test`. The test list is the same as `MariaDBStoreContractTests`': change both together.
final class MemoryStoreContractTests: XCTestCase {
    let contract = StoreContract {
        let store = MemoryStore(slotCount: 1024, shardCount: 4, fees: [.alipay: ChannelFee(basisPoints: 60)], clock: SystemClock())
        return StoresUnderTest(payments: store, refunds: store, recon: store, clock: SystemClock())
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
