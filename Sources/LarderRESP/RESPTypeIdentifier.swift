/// The first byte of every RESP frame, naming its type.
///
/// RESP2 has the first five; RESP3 (negotiated with `HELLO 3`) adds the rest.
/// See <https://redis.io/docs/latest/develop/reference/protocol-spec/>.
public enum RESPTypeIdentifier: UInt8, Sendable, CaseIterable {
    case simpleString = 0x2B  // +
    case simpleError = 0x2D  // -
    case integer = 0x3A  // :
    case bulkString = 0x24  // $
    case array = 0x2A  // *
    case null = 0x5F  // _
    case boolean = 0x23  // #
    case double = 0x2C  // ,
    case bigNumber = 0x28  // (
    case bulkError = 0x21  // !
    case verbatimString = 0x3D  // =
    case map = 0x25  // %
    case attribute = 0x7C  // |
    case set = 0x7E  // ~
    case push = 0x3E  // >

    /// The type's name as the protocol specification spells it, for error messages.
    public var name: String {
        switch self {
        case .simpleString: "simple string"
        case .simpleError: "simple error"
        case .integer: "integer"
        case .bulkString: "bulk string"
        case .array: "array"
        case .null: "null"
        case .boolean: "boolean"
        case .double: "double"
        case .bigNumber: "big number"
        case .bulkError: "bulk error"
        case .verbatimString: "verbatim string"
        case .map: "map"
        case .attribute: "attribute"
        case .set: "set"
        case .push: "push"
        }
    }

    /// Arrays, sets, pushes and maps: the aggregates whose scan can resume (see `RESPDecoder`).
    var isResumableAggregate: Bool {
        switch self {
        case .array, .set, .push, .map: true
        default: false
        }
    }
}
