/// One snapshot of where slots live: the slot table and the primaries it points to. Never
/// changed once made (a `MOVED` or a refresh makes a new one), so a call reads it without a lock
/// held for longer than taking the reference.
final class RedisClusterRouting: Sendable {
    /// A primary the slot table points to, and the connections to it.
    struct Node: Sendable {
        let endpoint: RedisEndpoint
        let id: String?
        let slots: [ClosedRange<Int>]
        let client: RedisMultiplexer
    }

    /// Bumped by every change: a caller that saw a failure under generation `g` refreshes only
    /// if nobody changed the table since.
    let generation: Int
    /// The primaries, in the order of their first slot.
    let primaries: [Node]
    /// For each slot, its primary's index in ``primaries``; -1 when no node serves it.
    let owners: [Int16]

    init(generation: Int, primaries: [Node], owners: [Int16]) {
        self.generation = generation
        self.primaries = primaries
        self.owners = owners
    }

    /// No table yet: every slot unserved.
    static let empty = RedisClusterRouting(generation: 0, primaries: [], owners: Array(repeating: -1, count: RedisClusterSlot.count))

    /// The primary serving `slot`, or `nil` when none does.
    @inline(__always)
    func node(for slot: Int) -> Node? {
        let index = Int(owners[slot])
        return index >= 0 ? primaries[index] : nil
    }

    /// This table with `slot` moved to `node` (the answer of a `MOVED`).
    func moving(_ slot: Int, to endpoint: RedisEndpoint, client: RedisMultiplexer) -> RedisClusterRouting {
        var primaries = self.primaries
        var owners = self.owners
        let index: Int
        if let known = primaries.firstIndex(where: { $0.endpoint == endpoint }) {
            index = known
        } else {
            index = primaries.count
            primaries.append(Node(endpoint: endpoint, id: nil, slots: [], client: client))
        }
        owners[slot] = Int16(index)
        return RedisClusterRouting(generation: generation + 1, primaries: primaries, owners: owners)
    }
}
