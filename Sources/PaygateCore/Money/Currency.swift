/// The currencies paygate accepts (docs/API.md section 4) and their minor digits.
public enum Currency: String, Sendable, CaseIterable {
    case cny = "CNY"
    case usd = "USD"
    case eur = "EUR"
    case hkd = "HKD"
    case jpy = "JPY"

    public var minorDigits: Int {
        switch self {
        case .jpy: 0
        case .cny, .usd, .eur, .hkd: 2
        }
    }

    /// 10^minorDigits: minor units in one major unit.
    public var minorPerMajor: Int64 { minorDigits == 0 ? 1 : 100 }
}
