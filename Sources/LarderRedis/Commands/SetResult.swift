import LarderRESP
/// Whether a `SET` wrote its value: `OK`, or a null reply when `NX`/`XX` prevented it.
public struct SetResult: RESPTokenDecodable, Sendable, Hashable {
    /// `true` when the value was stored.
    public let stored: Bool
    /// Reads `OK` as stored and a null reply as not stored.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch token.value {
        case .null: stored = false
        case .simpleString: stored = true
        default: throw RESPConversionError(expected: "OK or null", token: token)
        }
    }
}
