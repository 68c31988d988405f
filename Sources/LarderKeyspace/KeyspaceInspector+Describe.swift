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
        async let encodings = redis.execute(keys.map { OBJECT.ENCODING($0) })
        async let memory = redis.execute(keys.map { MEMORY.USAGE($0) })
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

    /// Fills in the length and first elements of every collection among `descriptions`: per
    /// type, the counts in one write and the first elements in another, every type at once.
    private func describeCollections(_ descriptions: inout [KeyDescription], on redis: ReadOnlyConnection) async throws(KeyspaceError) {
        let groups = Self.collectionTypes.map { type in (type, descriptions.indices.filter { descriptions[$0].type == type }) }
            .filter { !$0.1.isEmpty }
        guard !groups.isEmpty else { return }
        let limit = max(1, sampleElements)
        let keys = descriptions.map(\.key)
        let replies = await withTaskGroup { group in
            for (type, indices) in groups {
                let keys = indices.map { keys[$0] }
                group.addTask { (type, await Self.readCollections(keys, type: type, limit: limit, on: redis)) }
            }
            var replies: [String: (counts: [Result<Int, RedisError>], samples: [Result<RESPToken, RedisError>])] = [:]
            for await (type, read) in group { replies[type] = read }
            return replies
        }
        for (type, indices) in groups {
            guard let (countReplies, sampleReplies) = replies[type] else { continue }
            for (position, index) in indices.enumerated() {
                let total = (try? countReplies[position].get()) ?? 0
                let sample = (try? sampleReplies[position].get()).map { Self.elements(of: $0, type: type) } ?? []
                descriptions[index].length = total
                descriptions[index].value = total == 0 && sample.isEmpty ? .missing : .elements(Array(sample.prefix(sampleElements)), total: total)
            }
        }
    }

    /// The types (as `TYPE` names them) whose values are collections.
    static let collectionTypes = ["list", "hash", "set", "zset", "stream"]

    /// The element count and the first `limit` elements (`HSCAN` and `SSCAN` take it as a hint)
    /// of each of `keys`, which hold values of the collection `type`: `LLEN` and `LRANGE 0 n-1`,
    /// `HLEN` and `HSCAN 0 COUNT n`, `SCARD` and `SSCAN 0 COUNT n`, `ZCARD` and
    /// `ZRANGE 0 n-1 WITHSCORES`, or `XLEN` and `XRANGE - + COUNT n`.
    static func readCollections(
        _ keys: [RedisKey], type: String, limit: Int, on redis: ReadOnlyConnection
    ) async -> (counts: [Result<Int, RedisError>], samples: [Result<RESPToken, RedisError>]) {
        switch type {
        case "list": await read(keys.map(LLEN.init), keys.map { LRANGE($0, start: 0, stop: limit - 1) }, on: redis)
        case "hash": await read(keys.map(HLEN.init), keys.map { HSCAN($0, count: limit) }, on: redis)
        case "set": await read(keys.map(SCARD.init), keys.map { SSCAN($0, count: limit) }, on: redis)
        case "zset": await read(keys.map(ZCARD.init), keys.map { ZRANGE($0, start: 0, stop: limit - 1, withScores: true) }, on: redis)
        default: await read(keys.map(XLEN.init), keys.map { XRANGE($0, count: limit) }, on: redis)
        }
    }

    /// Sends `counts` and `samples` as two pipelines at once.
    private static func read<Count: ReadOnlyCommand, Sample: ReadOnlyCommand>(
        _ counts: [Count], _ samples: [Sample], on redis: ReadOnlyConnection
    ) async -> (counts: [Result<Int, RedisError>], samples: [Result<RESPToken, RedisError>])
    where Count.Response == Int, Sample.Response == RESPToken {
        async let countReplies = redis.execute(counts)
        async let sampleReplies = redis.execute(samples)
        return await (countReplies, sampleReplies)
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
