// Chapter 02: listen on a Unix socket. Runs the steps of chapters/02-configure-socket.md against
// this machine. The steps live in Sources/Chapters/ConfigureSocket.swift so that `swift run guide`
// runs them too.
import ArgumentParser
import Chapters
import Guide

@main
struct ConfigureSocketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure-socket",
        abstract: "Shows and checks Redis on its Unix socket with TCP off (chapter 02).",
        discussion: "Exits 0 when every step passes, 1 otherwise.")

    @Option(help: "The Redis socket.")
    var socket = GuideSettings().socketPath

    @Option(help: "The Redis config file the steps read.")
    var config = GuideSettings().configFile

    func run() async throws {
        let report = await ConfigureSocket.chapter(GuideSettings(socketPath: socket, configFile: config)).run(printingTo: Terminal())
        guard report.passed else { throw ExitCode.failure }
    }
}
