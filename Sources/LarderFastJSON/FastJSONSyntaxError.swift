/// Why input is not JSON, and where: the underlying error of the `DecodingError.dataCorrupted`
/// that ``FastJSON/decode(_:from:)`` throws for malformed input.
public struct FastJSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "unexpected character 'x'".
    public let reason: String
    /// The offset in the input, in bytes from 0, where the problem was found.
    public let offset: Int

    /// An error for `reason` at byte `offset`.
    public init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
