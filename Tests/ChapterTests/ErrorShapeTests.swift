import Foundation
import XCTest

/// Library errors can grow: each is a struct with a `code` (Hummingbird's `HTTPError`,
/// valkey-swift's `ValkeyClientError`), never a public enum, whose every new case would break
/// the `switch` of an app that depends on the library. A classification nested in an error
/// (`RedisServerError.Kind`) is an open struct for the same reason.
final class ErrorShapeTests: XCTestCase {
    func testLibraryModulesDeclareNoPublicErrorEnum() throws {
        let (lines, files) = try Package.sourceLines(in: LibraryAdviceTests.libraryModules)
        XCTAssertGreaterThan(files, 50, "too few library sources found under \(Package.root.path)/Sources")
        let found = Self.publicErrorEnums(in: lines)
        XCTAssertTrue(
            found.isEmpty,
            "public enums that break callers' switches when a case is added; make each a struct with a `code` "
                + "(see RedisError):\n" + found.joined(separator: "\n"))
    }

    /// The check finds each shape it is meant to refuse, and lets the others through.
    func testTheCheckRecognisesPublicErrorEnums() {
        let source = """
            public enum StoreError: Error, Sendable {
            public enum Refusal: Sendable, Error {
            @frozen public indirect enum TreeError {
            public struct ParseError: Error, Sendable {
                public enum Kind: Hashable, Sendable {
                public struct Code: Hashable, Sendable {
                    enum Base: String {
            }
            extension ParseError {
                public enum Code: Sendable {
            }
            enum InternalError: Error {
            public enum Lookup: Sendable {
                public enum Kind: Sendable {
            """
        let lines = source.split(separator: "\n").enumerated().map { index, text in
            Package.SourceLine(path: "Sample.swift", number: index + 1, text: String(text))
        }
        XCTAssertEqual(
            Self.publicErrorEnums(in: lines).map { $0.components(separatedBy: ":").prefix(2).joined(separator: ":") },
            ["Sample.swift:1", "Sample.swift:2", "Sample.swift:3", "Sample.swift:5", "Sample.swift:10"])
    }

    /// `path:line: text` of every public enum that is an error (named `…Error`, or conforming
    /// to `Error`), or a `Kind`/`Code` nested in an error type. The enclosing type is the
    /// nearest declaration above with less indentation: the sources are formatted, so that is
    /// the one whose braces hold the enum.
    static func publicErrorEnums(in lines: [Package.SourceLine]) -> [String] {
        let publicEnum = #/^(\s*)(?:@\w+\s+)*public\s+(?:indirect\s+)?enum\s+(\w+)([^{]*)/#
        let typeDeclaration = #/^(\s*)(?:[@\w]+\s+)*(?:struct|enum|class|actor|extension)\s+([\w.]+)/#
        var found: [String] = []
        for (index, line) in lines.enumerated() {
            guard let match = line.text.firstMatch(of: publicEnum) else { continue }
            let (indent, name, inheritance) = (match.1.count, String(match.2), String(match.3))
            let conformsToError = inheritance.contains(#/[:,]\s*Error\b/#)
            var isError = name.hasSuffix("Error") || conformsToError
            if !isError, ["Kind", "Code", "ErrorCode"].contains(name) {
                let enclosing = lines[..<index].reversed().lazy
                    .filter { $0.path == line.path }
                    .compactMap { $0.text.firstMatch(of: typeDeclaration) }
                    .first { $0.1.count < indent }
                isError = enclosing.map { $0.2.hasSuffix("Error") } ?? false
            }
            if isError { found.append("\(line.path):\(line.number): \(line.text.trimmingCharacters(in: .whitespaces))") }
        }
        return found
    }
}
