/// Bounds the reader holds a pickle to, so that a hostile value costs bounded memory and time.
///
/// The defaults accept anything a cache or a session reasonably holds (Redis's own value limit
/// is 512 MiB) and refuse the billion-laughs and deep-nesting shapes at once.
public struct PickleLimits: Sendable, Hashable {
    /// The largest input accepted, in bytes. Default 64 MiB.
    public var maxInputBytes: Int
    /// The deepest nesting of containers (a list in a dict in a list is depth 3). Default 200
    /// (CPython's own recursion limit makes its pickles shallower than 1000).
    public var maxDepth: Int
    /// The most elements in one container. Default 10 million.
    public var maxContainerCount: Int
    /// The most values in the whole decoded tree, counting a value shared through the memo once
    /// per place it appears (what keeps `[x, x]` repeated 60 times from becoming 2⁶⁰ values), and
    /// a str, bytes or int one per 64 bytes of it (so that a megabyte str referenced a million
    /// times is refused too, not handed to `description` or the writer). Default 20 million.
    public var maxTotalValues: Int

    /// Limits with the defaults above, or the values given.
    public init(
        maxInputBytes: Int = 64 << 20, maxDepth: Int = 200, maxContainerCount: Int = 10_000_000,
        maxTotalValues: Int = 20_000_000
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxContainerCount = maxContainerCount
        self.maxTotalValues = maxTotalValues
    }
}
