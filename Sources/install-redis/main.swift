// Chapter 01: install Redis. Runs the steps of chapters/01-install-redis.md against this machine.
// The steps live in Sources/Chapters/InstallRedis.swift so that `swift run guide` runs them too.
import Chapters
import Foundation
import Guide

let settings = GuideSettings.fromCommandLine(usage: "Usage: swift run install-redis [--socket PATH]\n\nChecks that Redis is installed and a server answers (chapter 01).")
let report = await InstallRedis.chapter(settings).run(printingTo: Terminal())
exit(report.passed ? 0 : 1)
