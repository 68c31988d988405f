/// Why zlib could not compress or decompress a value.
///
/// A struct with a ``code`` rather than an enum, so that codes can be added without breaking a
/// caller's `switch` (as `CacheError` does).
public struct ZlibError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which problem a ``ZlibError`` is. New codes may be added: compare with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Hashable, Sendable {
            case tooLarge, corrupt, truncated, invalidLevel, failed
        }

        let base: Base

        /// The data decompresses to more than the maximum size allowed (a zip bomb, or a limit
        /// set too low): decompression stopped at the limit.
        public static var tooLarge: Self { Self(base: .tooLarge) }
        /// The data is not a zlib stream (RFC 1950), or its checksum does not match.
        public static var corrupt: Self { Self(base: .corrupt) }
        /// The data is the start of a zlib stream that does not end (Python: "incomplete or
        /// truncated stream").
        public static var truncated: Self { Self(base: .truncated) }
        /// A compression level outside `-1...9`.
        public static var invalidLevel: Self { Self(base: .invalidLevel) }
        /// zlib itself failed (out of memory, an internal error).
        public static var failed: Self { Self(base: .failed) }

        /// The code's name, e.g. `tooLarge`.
        public var description: String { base.rawValue }
    }

    /// Which problem this is.
    public let code: Code
    /// What zlib or this module said, in a few words.
    public let detail: String

    init(_ base: Code.Base, _ detail: String) {
        self.code = Code(base: base)
        self.detail = detail
    }

    /// A sentence naming the problem, e.g. `zlib: the data decompresses to more than 1048576 bytes`.
    public var description: String { "zlib: \(detail)" }
}
