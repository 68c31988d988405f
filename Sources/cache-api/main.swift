// Chapter 04: the low-level cache API. Runs the steps of chapters/04-cache-api.md against this
// machine's Redis (DB 1); `--clean` deletes exactly the keys the chapter wrote.
// The steps live in Sources/Chapters/CacheAPI.swift so that `swift run guide` runs them too.
import Chapters
import Foundation
import Guide

var arguments = CommandLine.arguments
let clean = arguments.contains("--clean")
arguments.removeAll { $0 == "--clean" }
let settings = GuideSettings.fromCommandLine(
    arguments,
    usage: "Usage: swift run cache-api [--socket PATH] [--clean]\n\nThe article's cache.set/get/set_many/get_many on Redis DB 1 (chapter 04).\n--clean deletes exactly the keys the chapter wrote.")
if clean {
    do {
        let deleted = try await CacheAPI.clean(settings)
        print("deleted \(deleted) of the chapter's keys (\(CacheAPI.keys.map { ":1:\($0)" }.joined(separator: ", "))); nothing else touched")
        exit(0)
    } catch {
        print("✗ \(error)")
        exit(1)
    }
}
let report = await CacheAPI.chapter(settings).run(printingTo: Terminal())
exit(report.passed ? 0 : 1)
