// A command that must follow another on its connection (the `WAIT` after a session write),
// routed by the first command's keys: `WAIT` has no key, and sent on its own it would go to
// slot 0's primary and count the replicas of a node that never saw the write.
extension RedisClusterClient {
    /// Sends `first` to the node serving its keys' slot and `second` right behind it, in one
    /// write on one connection to that node; both replies. `MOVED`, `ASK` (`ASKING` goes
    /// first, on the same connection), `TRYAGAIN`, `CLUSTERDOWN` and an unreachable node are
    /// met as ``send(_:)`` meets them, the pair sent again together, so `second` always runs
    /// where `first` did.
    ///
    /// ```swift
    /// let (set, acknowledged) = await cluster.execute(SET("session:1", data), followedBy: WAIT(replicas: 1, timeout: .milliseconds(50)))
    /// ```
    ///
    /// `first`'s errors are ``send(_:)``'s, ``RedisError/crossSlot(command:slots:)`` for keys in
    /// several slots among them (`second` then fails with the same error, unsent).
    public func execute<First: RedisCommand, Second: RedisCommand>(
        _ first: First, followedBy second: Second
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        let slot: Int?
        do throws(RedisError) {
            switch try Self.placement(of: first) {
            case .keyless: slot = nil
            case .slot(let one): slot = one
            case .slots(let slots): throw .crossSlot(command: First.name.description, slots: slots)
            }
        } catch {
            return (.failure(error), .failure(error))
        }
        var asking: RedisEndpoint? = nil
        var attempt = 0
        while true {
            attempt += 1
            let routing: RedisClusterRouting
            do { routing = try await currentRouting() } catch { return (.failure(error), .failure(error)) }
            let target: RedisEndpoint
            let client: RedisMultiplexer
            if let asked = asking {
                target = asked
                do { client = try multiplexer(for: asked) } catch { return (.failure(error), .failure(error)) }
            } else if let node = routing.node(for: slot ?? 0) {
                target = node.endpoint
                client = node.client
            } else {
                // No owner for the slot: the cluster may be mid-change, as in `sendRouted`.
                guard attempt < configuration.maximumAttempts else {
                    let error = RedisError.clusterRetriesExhausted(
                        command: First.name.description, slot: slot, node: nil, attempts: attempt,
                        last: "no node serves the slot in the cluster's slot table")
                    return (.failure(error), .failure(error))
                }
                do {
                    try await pause(before: attempt)
                    try await refreshTopology(after: routing.generation)
                } catch {
                    return (.failure(error), .failure(error))
                }
                continue
            }
            let replies: (Result<First.Response, RedisError>, Result<Second.Response, RedisError>)
            if asking != nil {
                asking = nil
                replies = await Self.executeAsking(first, second, on: client)
            } else {
                replies = await client.execute(first, second)
            }
            guard case .failure(let error) = replies.0 else { return replies }
            do {
                let next = try await recover(
                    from: error, command: First.name.description, readOnly: First.isReadOnly, slot: slot, node: target,
                    attempt: attempt, generation: routing.generation)
                if case .ask(let endpoint) = next { asking = endpoint }
            } catch {
                return (.failure(error), replies.1)
            }
        }
    }

    /// `ASKING`, `first` and `second` in one write on one connection of `client` (an `ASK`
    /// admits only the next command, and `second` must share `first`'s connection).
    private static func executeAsking<First: RedisCommand, Second: RedisCommand>(
        _ first: First, _ second: Second, on client: RedisMultiplexer
    ) async -> (Result<First.Response, RedisError>, Result<Second.Response, RedisError>) {
        let probe: Bool
        let connection: RedisConnection
        do throws(RedisError) { probe = try client.admit() } catch { return (.failure(error), .failure(error)) }
        do throws(RedisError) {
            connection = try await client.connection()
        } catch {
            client.settle(ProbeVerdict(error), probe: probe)
            return (.failure(error), .failure(error))
        }
        let (asked, firstReply, secondReply) = await connection.execute(ASKING(), first, second)
        let outcomes = [RedisMultiplexer.failure(asked), RedisMultiplexer.failure(firstReply), RedisMultiplexer.failure(secondReply)]
        client.settle(ProbeVerdict(outcomes: outcomes), probe: probe)
        if case .failure(let error) = asked { return (.failure(error), secondReply) }
        return (firstReply, secondReply)
    }
}
