import NIOCore

extension RESPToken {
    /// The elements of an array, set or push, decoded one at a time as they are iterated.
    public struct Array: Sequence, Hashable, Sendable {
        /// The number of elements.
        public let count: Int
        let elements: ByteBuffer

        init(elements: ByteBuffer, count: Int) {
            self.elements = elements
            self.count = count
        }

        /// Iterates the elements as tokens sharing this frame's storage.
        public struct Iterator: IteratorProtocol {
            var buffer: ByteBuffer
            var remaining: Int

            public mutating func next() -> RESPToken? {
                guard remaining > 0 else { return nil }
                remaining -= 1
                var rest = buffer
                RESPToken.skipFrames(1, in: &rest)
                let token = RESPToken(validated: buffer.readSlice(length: rest.readerIndex - buffer.readerIndex)!)
                return token
            }
        }

        public func makeIterator() -> Iterator { Iterator(buffer: elements, remaining: count) }

        /// The number of elements, so that `map` and friends reserve capacity once.
        public var underestimatedCount: Int { count }
    }

    /// The pairs of a map or attribute, in the order the server sent them.
    public struct Map: Sequence, Hashable, Sendable {
        /// The number of key/value pairs.
        public let count: Int
        let elements: ByteBuffer

        init(elements: ByteBuffer, count: Int) {
            self.elements = elements
            self.count = count
        }

        /// One key and its value.
        public struct Pair: Hashable, Sendable {
            /// The entry's key.
            public let key: RESPToken
            /// The entry's value.
            public let value: RESPToken
        }

        /// Iterates the pairs as tokens sharing this frame's storage.
        public struct Iterator: IteratorProtocol {
            var tokens: RESPToken.Array.Iterator

            public mutating func next() -> Pair? {
                guard let key = tokens.next(), let value = tokens.next() else { return nil }
                return Pair(key: key, value: value)
            }
        }

        public func makeIterator() -> Iterator {
            Iterator(tokens: RESPToken.Array(elements: elements, count: count * 2).makeIterator())
        }

        public var underestimatedCount: Int { count }
    }
}
