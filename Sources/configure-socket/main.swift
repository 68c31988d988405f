// Chapter 02: listen on a Unix socket. Runs the steps of chapters/02-configure-socket.md against
// this machine. The steps live in Sources/Chapters/ConfigureSocket.swift so that `swift run guide`
// runs them too.
import Chapters
import Foundation
import Guide

let settings = GuideSettings.fromCommandLine(usage: "Usage: swift run configure-socket [--socket PATH] [--config FILE]\n\nShows and checks Redis on its Unix socket with TCP off (chapter 02).")
let report = await ConfigureSocket.chapter(settings).run(printingTo: Terminal())
exit(report.passed ? 0 : 1)
