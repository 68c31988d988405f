import LarderRESP
/// A key's time to live, as `TTL`/`PTTL` report it.
public enum TimeToLive: RESPTokenDecodable, Sendable, Hashable {
    /// The key does not exist (`-2`).
    case missing
    /// The key exists and never expires (`-1`).
    case persistent
    /// The key expires after this long.
    case expires(in: Duration)

    public init(fromRESP token: RESPToken) throws(RESPConversionError) {
        switch try Int(fromRESP: token) {
        case -2: self = .missing
        case -1: self = .persistent
        case let milliseconds: self = .expires(in: .milliseconds(milliseconds))
        }
    }
}
