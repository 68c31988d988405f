// Chapter 01: install Redis. Runs the steps of chapters/01-install-redis.md against this machine.
// The steps live in Sources/Chapters/InstallRedis.swift so that `swift run guide` runs them too.
import ArgumentParser
import Chapters
import Guide

@main
struct InstallRedisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-redis",
        abstract: "Checks that Redis is installed and a server answers (chapter 01).",
        discussion: "Exits 0 when every step passes, 1 otherwise.")

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    func run() async throws {
        let report = await InstallRedis.chapter(GuideSettings(socketPath: socket)).run(printingTo: Terminal())
        guard report.passed else { throw ExitCode.failure }
    }
}
