import NIOCore
import LarderRESP
import LarderRedis
extension KeyspaceInspector {
    /// Describes `keys` in two round trips: `TYPE`, `PTTL`, `OBJECT ENCODING`, `MEMORY USAGE`,
    /// `STRLEN` and `GETRANGE` for every key at once (the string reads fail harmlessly on other
    /// types), then the length and first elements of the collections among them.
    func describe(_ keys: [RedisKey], on redis: ReadOnlyConnection) async throws(KeyspaceError) -> [KeyDescription] {
        guard !keys.isEmpty else { return [] }
        // One connection matches replies in order, so these batches share its pipeline.
        async let types = redis.execute(keys.map { TYPE($0) })
        async let ttls = redis.execute(keys.map { PTTL($0) })
        async let encodings = redis.execute(keys.map { OBJECT_ENCODING($0) })
        async let memory = redis.execute(keys.map { MEMORY_USAGE($0) })
        async let lengths = redis.execute(keys.map { STRLEN($0) })
        async let previews = redis.execute(keys.map { GETRANGE($0, start: 0, end: previewBytes - 1) })
        let (typeReplies, ttlReplies, encodingReplies, memoryReplies, lengthReplies, previewReplies) =
            await (types, ttls, encodings, memory, lengths, previews)

        var descriptions: [KeyDescription] = []
        descriptions.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() {
            // TYPE answers for any key; an error here is the connection's, so it is the call's.
            let type = try typeReplies[index].mapError(KeyspaceError.redis).get()
            let ttl = try ttlReplies[index].mapError(KeyspaceError.redis).get()
            let kindFromName = KeyKind(key: String(buffer: key.bytes), database: redis.database)
            var description = KeyDescription(
                key: key, database: redis.database, kind: kindFromName, type: type, ttl: ttl,
                encoding: try? encodingReplies[index].get(), memoryBytes: try? memoryReplies[index].get(),
                length: nil, value: .missing, isTruncated: false)
            if type == "string", let length = try? lengthReplies[index].get(), let preview = try? previewReplies[index].get() {
                let bytes = Array(preview.readableBytesView)
                description.length = length
                description.isTruncated = bytes.count < length
                (description.kind, description.value) = KeyValueDecoder.decode(bytes, kind: kindFromName, complete: !description.isTruncated)
            } else {
                // Gone, or a collection: neither is a standalone-store session (those are strings).
                description.kind = Self.withoutUnconfirmedSession(kindFromName)
            }
            descriptions.append(description)
        }
        try await describeCollections(&descriptions, on: redis)
        return descriptions
    }

    /// A bare DB-0 key is a standalone-store session only when its value says so.
    static func withoutUnconfirmedSession(_ kind: KeyKind) -> KeyKind {
        if case .session(.redisStore, _) = kind { return .other }
        return kind
    }

    /// Fills in the length and first elements of every collection among `descriptions`.
    private func describeCollections(_ descriptions: inout [KeyDescription], on redis: ReadOnlyConnection) async throws(KeyspaceError) {
        let collections = descriptions.indices.filter { ElementCount(descriptions[$0].key, type: descriptions[$0].type) != nil }
        guard !collections.isEmpty else { return }
        async let counts = redis.execute(collections.compactMap { ElementCount(descriptions[$0].key, type: descriptions[$0].type) })
        async let samples = redis.execute(
            collections.compactMap { ElementSample(descriptions[$0].key, type: descriptions[$0].type, limit: sampleElements) })
        let (countReplies, sampleReplies) = await (counts, samples)
        for (position, index) in collections.enumerated() {
            let total = (try? countReplies[position].get()) ?? 0
            let sample = (try? sampleReplies[position].get()).map { Self.elements(of: $0, type: descriptions[index].type) } ?? []
            descriptions[index].length = total
            descriptions[index].value = total == 0 && sample.isEmpty ? .missing : .elements(Array(sample.prefix(sampleElements)), total: total)
        }
    }

    /// The elements of a sample reply as short texts: `field=value` for a hash, `member (score)`
    /// for a sorted set, the entry id for a stream.
    static func elements(of token: RESPToken, type: String) -> [String] {
        func text(_ token: RESPToken) -> String {
            switch token.value {
            case .bulkString(let bytes), .simpleString(let bytes): DisplayText.escaped(bytes.readableBytesView, limit: 60)
            case .integer(let number): "\(number)"
            case .double(let number): "\(number)"
            default: token.shortDescription
            }
        }
        func array(_ token: RESPToken) -> [RESPToken] {
            switch token.value {
            case .array(let items), .set(let items): Array(items)
            default: []
            }
        }
        switch type {
        case "hash", "set":
            // [cursor, [items...]]; a hash's items alternate field and value.
            let items = array(token).dropFirst().first.map(array) ?? []
            if type == "set" { return items.map(text) }
            return stride(from: 0, to: items.count - 1, by: 2).map { "\(text(items[$0]))=\(text(items[$0 + 1]))" }
        case "zset":
            // RESP3: [[member, score]...]; RESP2: member, score, member, score...
            let items = array(token)
            if items.allSatisfy({ array($0).count == 2 }) {
                return items.map { pair in let parts = array(pair); return "\(text(parts[0])) (\(text(parts[1])))" }
            }
            return stride(from: 0, to: items.count - 1, by: 2).map { "\(text(items[$0])) (\(text(items[$0 + 1])))" }
        case "stream":
            return array(token).compactMap { array($0).first.map(text) }
        default:
            return array(token).map(text)
        }
    }
}
