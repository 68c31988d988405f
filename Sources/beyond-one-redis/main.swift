// Chapter 08: when one Redis is not enough. Runs the steps of chapters/08-beyond-one-redis.md on
// private servers it starts on loopback ports and stops (TLS, Sentinel, Cluster); never the reader's.
// The steps live in Sources/Chapters/BeyondOneRedis so that `swift run guide` runs them too.
import ArgumentParser
import Chapters
import Guide

@main
struct BeyondOneRedisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beyond-one-redis",
        abstract: "TLS and an ACL user, a Sentinel failover under load, a cluster resharded under load (chapter 08).",
        discussion: "Starts its own redis-server processes on loopback ports and stops them; your Redis is not touched. Exits 0 when every step passes, 1 otherwise.")

    func run() async throws {
        let report = await BeyondOneRedis.chapter().run(printingTo: Terminal())
        guard report.passed else { throw ExitCode.failure }
    }
}
