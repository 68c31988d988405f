import NIOCore

/// A value that becomes zero or more bulk-string arguments of a command.
///
/// Scalars render one argument; `Optional` renders none when `nil`; arrays render one per
/// element. Conform your own types to pass them straight to ``RESPCommandEncoder``.
public protocol RESPRenderable: Sendable {
    /// How many bulk strings ``encode(into:)`` writes.
    var respEntries: Int { get }
    /// Writes the value's bulk strings.
    func encode(into encoder: inout RESPCommandEncoder)
}

extension String: RESPRenderable {
    @inlinable public var respEntries: Int { 1 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(self) }
}

extension Substring: RESPRenderable {
    @inlinable public var respEntries: Int { 1 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(self) }
}

extension Int: RESPRenderable {
    @inlinable public var respEntries: Int { 1 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(self) }
}

extension Int64: RESPRenderable {
    @inlinable public var respEntries: Int { 1 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(Int(self)) }
}

extension Double: RESPRenderable {
    @inlinable public var respEntries: Int { 1 }
    /// Redis parses `inf`, `-inf` and decimal notation; Swift's description matches that.
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) {
        encoder.encodeBulkString(isInfinite ? (self < 0 ? "-inf" : "inf") : String(self))
    }
}

extension ByteBuffer: RESPRenderable {
    @inlinable public var respEntries: Int { 1 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(self) }
}

extension Optional: RESPRenderable where Wrapped: RESPRenderable {
    @inlinable public var respEntries: Int { self?.respEntries ?? 0 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { self?.encode(into: &encoder) }
}

extension Array: RESPRenderable where Element: RESPRenderable {
    @inlinable public var respEntries: Int { reduce(0) { $0 + $1.respEntries } }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) {
        for element in self { element.encode(into: &encoder) }
    }
}

/// Raw bytes as one argument (binary keys and values).
public struct RESPBytes: RESPRenderable, Hashable {
    /// The bytes sent.
    public var bytes: [UInt8]
    /// Wraps `bytes`.
    @inlinable public init(_ bytes: [UInt8]) { self.bytes = bytes }
    @inlinable public var respEntries: Int { 1 }
    @inlinable public func encode(into encoder: inout RESPCommandEncoder) { encoder.encodeBulkString(bytes) }
}
