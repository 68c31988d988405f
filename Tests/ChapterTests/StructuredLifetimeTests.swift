import Chapters
import Foundation
import Guide
import XCTest

/// No unstructured task owns a resource's lifetime (STYLE.md, "Lifetimes as services"):
/// a chapter step, a script or a library call closes what it opened with an awaited
/// `close()` (or a `withX { }` scope such as `RedisCache.withCache`), so it has finished
/// closing when it returns. `defer { Task { await cache.close() } }` returned first and left
/// the close to a task nobody awaited.
///
/// The few tasks that remain are listed here, each with why it is not that pattern.
final class StructuredLifetimeTests: XCTestCase {
    /// An unstructured task allowed in one file: the lines of that file that read `line`, trimmed.
    struct Allowed {
        let file: String
        let line: String
        let reason: String
    }

    static let allowed: [Allowed] = [
        Allowed(
            file: "Sources/LarderRedis/Pool/RedisMultiplexer.swift",
            line: "let task = Task { [configuration, eventLoop = slot.eventLoop, logger] () async throws -> RedisConnection in",
            reason: "the connect is stored in the slot and awaited by every caller waiting for it; none owns it alone"),
        Allowed(
            file: "Sources/WebTestSupport/RunningSite.swift", line: "let task = Task {",
            reason: "the server's task is kept by the RunningSite: stop() and wait() await it"),
    ]

    /// The library modules, what the chapters share, and every chapter's executable.
    static var folders: [String] {
        LibraryAdviceTests.libraryModules + ["Guide", "Chapters", "WebTestSupport", "guide"]
            + AllChapters.chapters().map(\.name)
    }

    /// `Task {`, `Task(priority:) {`, `Task<...> {` and `Task.detached`, outside comments.
    static func unstructuredTask() throws -> NSRegularExpression {
        try NSRegularExpression(pattern: #"\bTask\s*(<[^>]*>\s*)?(\{|\(|\.detached)"#)
    }

    func testNoChapterOrLibraryCodeLeavesALifetimeToAnUnstructuredTask() throws {
        let pattern = try Self.unstructuredTask()
        let (lines, files) = try Package.sourceLines(in: Self.folders)
        var found: [String] = []
        var used = Set<Int>()
        for line in lines {
            let code = line.text.trimmingCharacters(in: .whitespaces)
            guard !code.hasPrefix("//"),
                pattern.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil
            else { continue }
            if let index = Self.allowed.firstIndex(where: { $0.file == line.path && code == $0.line }) {
                used.insert(index)
            } else {
                found.append("\(line.path):\(line.number): \(code)")
            }
        }
        XCTAssertGreaterThan(files, 80, "too few sources found under \(Package.root.path)/Sources")
        XCTAssertTrue(
            found.isEmpty,
            "an unstructured task owns a lifetime; close with an awaited close() or a withX { } scope "
                + "(RedisCache.withCache), or add an allow-list entry with its reason:\n" + found.joined(separator: "\n"))
        let stale = Self.allowed.indices.filter { !used.contains($0) }.map { "\(Self.allowed[$0].file): \(Self.allowed[$0].line)" }
        XCTAssertEqual(stale, [], "allow-list entries that match nothing any more: remove them")
    }

    /// The scan sees the pattern it exists for, and not `Task.isCancelled`, `addTask` or a `Task` type.
    func testThePatternMatchesTheDeferredCloseButNotOtherUsesOfTask() throws {
        let pattern = try Self.unstructuredTask()
        func matches(_ code: String) -> Bool {
            pattern.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil
        }
        XCTAssertTrue(matches("defer { Task { await cache.close() } }"))
        XCTAssertTrue(matches("Task.detached { await pool.close() }"))
        XCTAssertTrue(matches("Task(priority: .low) { await pool.close() }"))
        XCTAssertFalse(matches("guard !Task.isCancelled else { throw .cancelled }"))
        XCTAssertFalse(matches("group.addTask { try await operation() }"))
        XCTAssertFalse(matches("case wait(Task<RedisConnection, any Error>)"))
    }
}
