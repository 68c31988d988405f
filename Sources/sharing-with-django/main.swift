// Chapter 07: sharing Redis with a Django app. Runs the steps of chapters/07-sharing-with-django.md
// against this machine's Redis (DB 2), with Django itself from .build/django (./setup.sh installs it).
// The steps live in Sources/Chapters/SharingWithDjango so that `swift run guide` runs them too.
import ArgumentParser
import Chapters
import Guide

@main
struct SharingWithDjangoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharing-with-django",
        abstract: "A Django app and the Swift site on one Redis: values, counters and sessions both read (chapter 07).",
        discussion: "Exits 0 when every step passes, 1 otherwise.")

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    func run() async throws {
        let report = await SharingWithDjango.chapter(GuideSettings(socketPath: socket)).run(printingTo: Terminal())
        guard report.passed else { throw ExitCode.failure }
    }
}
