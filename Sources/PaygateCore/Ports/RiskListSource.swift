/// The lists the rules name (`@list`), as a process holds them: a copy refreshed now and then,
/// so a create reads them from memory (`Storage.RiskListCache`).
public protocol RiskListSource: Sendable {
    func current() -> RiskLists
}
