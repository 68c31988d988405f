import LarderRESP
/// Whether a `SET` wrote its value: `OK`, or a null reply when `NX`/`XX` prevented it.
public struct SetResult: RESPTokenDecodable, Sendable, Hashable {
    /// `true` when the value was stored.
    public let stored: Bool
    /// Reads `OK` as stored and a null reply as not stored.
    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        // By the type byte, without decoding the value: this runs for every SET's reply.
        if token.type == .simpleString {
            stored = true
        } else if token.isNull {
            stored = false
        } else {
            throw RESPConversionError(expected: "OK or null", token: token)
        }
    }
}
