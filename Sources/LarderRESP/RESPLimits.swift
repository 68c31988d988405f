/// Bounds the decoder enforces before it buffers or walks a frame, so that a faulty or hostile
/// peer cannot make a client allocate without limit or recurse without end.
///
/// The defaults follow Redis's own: a bulk string may be up to 512 MiB (`proto-max-bulk-len`).
public struct RESPLimits: Sendable, Hashable {
    /// The largest bulk string, bulk error or verbatim string accepted, in bytes.
    /// A longer one is refused as soon as its header arrives, before its body is buffered.
    public var maxBulkLength: Int
    /// The most elements an array, set or push may announce (a map or attribute: pairs).
    public var maxAggregateCount: Int
    /// How deeply aggregates may nest. The top-level frame is depth 0.
    public var maxDepth: Int
    /// The longest line (simple string, error, number) accepted before its `\r\n`, in bytes.
    public var maxLineLength: Int

    /// Creates limits; every parameter defaults to a value no real Redis reply exceeds.
    public init(
        maxBulkLength: Int = 512 * 1024 * 1024,
        maxAggregateCount: Int = 1 << 26,
        maxDepth: Int = 64,
        maxLineLength: Int = 1024 * 1024
    ) {
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
        self.maxDepth = maxDepth
        self.maxLineLength = maxLineLength
    }
}
