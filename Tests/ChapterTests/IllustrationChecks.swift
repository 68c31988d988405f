import Chapters
import Foundation
import LarderSessions
import RedisTestSupport
import XCTest

/// The chapters' illustrations that can be checked against something real, by the name their
/// marker gives (`<!-- illustration: WHY; checked: NAME -->`). Each takes the block's text and
/// throws what differs.
enum IllustrationChecks {
    /// An illustration that differs from what it shows.
    struct Differs: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let all: [String: @Sendable (String) throws -> Void] = [
        "invoke-rc.d": invokeRCDMessage,
        "signed-value": signedValue,
        "sentinel.conf": sentinelConf,
        "tls redis.conf": tlsConf,
        "reshard": reshardCommands,
    ]

    /// Chapter 01: the line `apt-get install` prints where no server may start, verbatim from
    /// Debian's `invoke-rc.d` (init-system-helpers), which the package's postinst runs.
    static func invokeRCDMessage(_ text: String) throws {
        let path = "/usr/sbin/invoke-rc.d"
        guard let script = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Differs("\(path) cannot be read: this check needs Debian's init-system-helpers, which every Debian and Ubuntu has (./setup.sh runs on no other)")
        }
        guard script.contains(#"echo `basename $0`: "$*""#) else {
            throw Differs("\(path) no longer prefixes its messages with `invoke-rc.d: ` (printerror): update chapter 01's line")
        }
        guard script.contains("printerror policy-rc.d denied execution of ${printaction}.") else {
            throw Differs("\(path) has no `printerror policy-rc.d denied execution of ${printaction}.`: update chapter 01's line")
        }
        let expected = "invoke-rc.d: policy-rc.d denied execution of start."
        guard text == expected else { throw Differs("the block is `\(text)`, and invoke-rc.d prints `\(expected)` for the start apt asks") }
    }

    /// Chapter 05: the signed value is one the chapter's demo secret signs and verifies, and
    /// each `└…┘` under it spans exactly one of its three parts, in order.
    static func signedValue(_ text: String) throws {
        let lines = text.components(separatedBy: "\n")
        guard lines.count == 2 else { throw Differs("expected the value and the line under it, got \(lines.count) lines") }
        let value = lines[0]
        let signer = try SessionSigner(secret: SessionsSite.secret([:]))
        guard let data = signer.unsign(value) else {
            throw Differs("`\(value)` does not verify with the chapter's demo secret: paste a value the chapter signs (`swift run sessions`, then `redis-cli get` a session key)")
        }
        guard data == DjangoSessionData(["count": .int(2)]) else { throw Differs("`\(value)` holds \(data), and the prose says {\"count\":2}") }
        let parts = value.split(separator: ":").map { (start: value.distance(from: value.startIndex, to: $0.startIndex), count: $0.count) }
        let labels = [("JSON"), ("time"), ("HMAC")]
        let diagram = Array(lines[1])
        var spans: [(start: Int, count: Int, label: String)] = []
        var index = 0
        while index < diagram.count {
            guard diagram[index] == "└", let end = diagram[index...].firstIndex(of: "┘") else {
                index += 1
                continue
            }
            spans.append((index, end - index + 1, String(diagram[index...end])))
            index = end + 1
        }
        guard spans.count == parts.count else { throw Differs("the diagram has \(spans.count) spans under a value of \(parts.count) parts") }
        for (part, (span, label)) in zip(parts, zip(spans, labels)) {
            guard span.start == part.start, span.count == part.count else {
                throw Differs("`\(span.label)` covers columns \(span.start)..<\(span.start + span.count), and its part of the value \(part.start)..<\(part.start + part.count)")
            }
            guard span.label.contains(label) else { throw Differs("`\(span.label)` should name the \(label) part") }
        }
    }

    /// Chapter 08: the sentinel.conf lines are what ``PrivateSentinelGroup`` gives each sentinel
    /// of the step's group (the chapter's primary address in place of 127.0.0.1 and its port).
    static func sentinelConf(_ text: String) throws {
        let lines = text.components(separatedBy: "\n")
        guard lines.first?.hasPrefix("port ") == true else { throw Differs("the first line should be the sentinel's port") }
        let real = PrivateSentinelGroup.sentinelDirectives(primaryPort: 6379)
        for line in lines.dropFirst() {
            let asRun = line.replacingOccurrences(of: "10.0.0.1", with: "127.0.0.1")
            guard real.contains(asRun) else { throw Differs("`\(line)` is not among what the step's sentinels run: \(real)") }
        }
    }

    /// Chapter 08: the TLS lines are what ``PrivateTLSRedisServer`` writes (the chapter's paths
    /// and port in place of the run's), after `port 0`, as it starts with no plain port.
    static func tlsConf(_ text: String) throws {
        let lines = text.components(separatedBy: "\n").map { line in
            (line.components(separatedBy: "#").first ?? "").split(separator: " ").map(String.init)
        }
        guard lines.first == ["port", "0"] else { throw Differs("the first line should be `port 0` (no plain TCP)") }
        let real = PrivateTLSRedisServer.tlsDirectives(
            tlsPort: 6380, certificate: "/etc/redis/tls/redis.crt", key: "/etc/redis/tls/redis.key", caCertificate: "/etc/redis/tls/ca.crt")
        guard Array(lines.dropFirst()) == real.map({ $0.split(separator: " ").map(String.init) }) else {
            throw Differs("the lines after `port 0` are not what the step's TLS server runs: \(real)")
        }
    }

    /// Chapter 08: each resharding command (its upper-case words, in order) is one the step's
    /// ``PrivateRedisCluster/migrate(slot:batch:afterBatch:)`` sends.
    static func reshardCommands(_ text: String) throws {
        let source = "Sources/RedisTestSupport/PrivateRedisCluster+Resharding.swift"
        let code = try String(contentsOf: Package.root.appendingPathComponent(source), encoding: .utf8)
        let send = try NSRegularExpression(pattern: #"\.send\(([^)]*)\)"#)
        let literal = try NSRegularExpression(pattern: #""([A-Z]+)""#)
        func words(_ text: String, _ pattern: NSRegularExpression) -> [String] {
            pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
        }
        let sent = Set(words(code, send).map { words($0, literal) })
        for line in text.components(separatedBy: "\n") {
            let command = (line.components(separatedBy: "#").first ?? "").split(separator: " ").map(String.init)
                .filter { $0.count > 1 && $0.allSatisfy { $0.isUppercase } }
            guard sent.contains(command) else { throw Differs("`\(line)`: \(source) sends no \(command.joined(separator: " ")); what it sends: \(sent)") }
        }
    }
}
