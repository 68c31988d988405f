import Foundation
import LarderSessions
import XCTest

/// Django's compressed session payloads (`signing.dumps(..., compress=True)`), its
/// `SECRET_KEY_FALLBACKS`, and the bound on decompression: vectors Django itself signed, and
/// random sessions checked both ways against a reimplementation on Python's standard library
/// (``DjangoSigning``).
final class SessionSignerCompressionTests: XCTestCase {
    let secret = "chapter-05-test-secret"
    let signedAt = Date(timeIntervalSince1970: 1_764_168_000)

    /// {"cart": "book " * 40, "count": 2}, which compresses. Produced by:
    /// /work/django-venv/bin/python -c 'import time; time.time=lambda: 1764168000; from django.conf import settings; settings.configure(SECRET_KEY="chapter-05-test-secret"); from django.core import signing; print(signing.dumps({"cart":"book "*40,"count":2}, salt="django.contrib.sessions.SessionStore", compress=True))'
    let djangoCompressed = ".eJyrVkpOLCpRslJKys_PVhgGhJKOUnJ-aR7QS0a1AAzkTiI:1vOGga:lWV1nMTtu9eXVj4jD89bVPV2vIlrbw5ll8QdbOO8pJU"

    /// {"count": 7} signed with the old secret `old-secret`. Produced by:
    /// /work/django-venv/bin/python -c 'import time; time.time=lambda: 1764168000; from django.conf import settings; settings.configure(SECRET_KEY="old-secret"); from django.core import signing; print(signing.dumps({"count":7}, salt="django.contrib.sessions.SessionStore", compress=True))'
    let djangoOldSecret = "eyJjb3VudCI6N30:1vOGga:7guFYvSy6touPJhFboDlTmpkbiWP6nkmFdG9Jw-xsHQ"

    /// {"_session_expiry": "2026-12-07T10:00:00.250000+00:00", "count": 1}: what
    /// `set_expiry(datetime(2026, 12, 7, 10, 0, 0, 250000, tzinfo=timezone.utc))` stores. Produced by:
    /// /work/django-venv/bin/python -c 'import time; time.time=lambda: 1764168000; from django.conf import settings; settings.configure(SECRET_KEY="chapter-05-test-secret"); from django.core import signing; print(signing.dumps({"_session_expiry":"2026-12-07T10:00:00.250000+00:00","count":1}, salt="django.contrib.sessions.SessionStore", compress=True))'
    let djangoExpiry = "eyJfc2Vzc2lvbl9leHBpcnkiOiIyMDI2LTEyLTA3VDEwOjAwOjAwLjI1MDAwMCswMDowMCIsImNvdW50IjoxfQ:1vOGga:f2N0urLPXwzzoXjRY3DgFdOuUPUhxpptbF2MmtWlXj8"

    func cart() -> DjangoSessionData {
        DjangoSessionData(["cart": .string(String(repeating: "book ", count: 40)), "count": 2])
    }

    func testReadsAndWritesDjangosCompressedPayloadByteForByte() throws {
        let signer = try SessionSigner(secret: secret)
        XCTAssertEqual(signer.unsign(djangoCompressed), cart())
        XCTAssertEqual(signer.sign(cart(), at: signedAt), djangoCompressed)
    }

    func testASessionWithADjangoExpiryRoundTripsExactly() throws {
        let signer = try SessionSigner(secret: secret)
        let data = try XCTUnwrap(signer.unsign(djangoExpiry))
        let expected = Date(timeIntervalSince1970: 1_796_637_600.25)  // 2026-12-07T10:00:00.25Z
        XCTAssertEqual(data.expiry, .date(expected))
        XCTAssertEqual(signer.sign(data, at: signedAt), djangoExpiry, "the expiry's text is kept as Django wrote it")
        var written = DjangoSessionData(["count": 1])
        written.expiry = .date(expected)
        XCTAssertEqual(signer.sign(written, at: signedAt), djangoExpiry, "set here, it is the text Django writes")
    }

    func testFallbackSecretsVerifyButNeverSign() throws {
        let rotated = try SessionSigner(secret: secret, fallbackSecrets: ["older-secret", "old-secret"])
        XCTAssertEqual(rotated.fallbackCount, 2)
        XCTAssertEqual(rotated.unsign(djangoOldSecret), DjangoSessionData(["count": 7]))
        XCTAssertNil(try SessionSigner(secret: secret).unsign(djangoOldSecret), "without the fallback the old value is refused")
        // Signing uses the current secret only: the old secret alone cannot read it.
        let signed = rotated.sign(DjangoSessionData(["count": 7]), at: signedAt)
        XCTAssertNil(try SessionSigner(secret: "old-secret").unsign(signed))
        XCTAssertEqual(try SessionSigner(secret: secret).unsign(signed), DjangoSessionData(["count": 7]))
        // A value signed with a secret in neither list is a forgery.
        let forged = try SessionSigner(secret: "attacker-secret").sign(DjangoSessionData(["user": "admin"]), at: signedAt)
        XCTAssertNil(rotated.unsign(forged))
        XCTAssertThrowsError(try rotated.verify(forged)) { error in
            XCTAssertEqual((error as? SessionError)?.reason, "bad signature")
        }
        // Django's rule for fallbacks, checked by the Python reimplementation too.
        XCTAssertEqual(try DjangoSigning.loads([signed, forged], secrets: ["old-secret", secret]), [#"{"count":7}"#, "BadSignature"])
    }

    func testAnEmptyFallbackSecretIsRefused() {
        XCTAssertThrowsError(try SessionSigner(secret: secret, fallbackSecrets: [""])) { error in
            XCTAssertEqual((error as? SessionError)?.code, .invalidConfiguration)
        }
    }

    /// Random sessions, small (not compressed) and large (compressed): Python signs, this
    /// reads, and this signs the same string; this signs, Python reads the same JSON.
    func testRandomSessionsAgreeWithPythonBothWays() throws {
        var sessions: [DjangoSessionData] = []
        for index in 0..<40 {
            sessions.append(randomSession(large: index % 2 == 0))
        }
        sessions.append(DjangoSessionData(["n": 1]))
        sessions.append(DjangoSessionData())
        let signer = try SessionSigner(secret: secret)
        let timestamp = 1_764_168_000 + Int.random(in: 0..<10_000_000)
        let at = Date(timeIntervalSince1970: TimeInterval(timestamp))
        let jsons = sessions.map { String(decoding: $0.json, as: UTF8.self) }

        let pythonSigned = try DjangoSigning.dumps(jsons, secret: secret, timestamp: timestamp)
        XCTAssertEqual(pythonSigned.count, sessions.count)
        for (index, session) in sessions.enumerated() {
            XCTAssertEqual(signer.unsign(pythonSigned[index]), session, jsons[index])
            XCTAssertEqual(signer.sign(session, at: at), pythonSigned[index], jsons[index])
            if index < 40, index % 2 == 0 { XCTAssertTrue(pythonSigned[index].hasPrefix("."), "a large session compresses") }
        }
        XCTAssertFalse(pythonSigned[sessions.count - 2].hasPrefix("."), #"{"n":1} is not compressed"#)
        XCTAssertFalse(pythonSigned[sessions.count - 1].hasPrefix("."), "{} is not compressed")

        let swiftSigned = sessions.map { signer.sign($0, at: at) }
        XCTAssertEqual(try DjangoSigning.loads(swiftSigned, secrets: [secret]), jsons)
    }

    /// A validly signed payload that would inflate past the limit: no session, and why.
    func testAZipBombIsATypedErrorNotMemory() throws {
        let bomb = try DjangoSigning.bomb(secret: secret, size: 8 << 20)
        XCTAssertLessThan(bomb.count, 20_000)
        let signer = try SessionSigner(secret: secret, maximumSize: 1 << 20)
        XCTAssertNil(signer.unsign(bomb))
        XCTAssertThrowsError(try signer.verify(bomb)) { error in
            guard let error = error as? SessionError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, .undecodable)
            XCTAssertTrue(error.reason?.hasPrefix("zlib: ") ?? false, "\(error)")
            XCTAssertTrue(error.reason?.contains("more than 1048576 bytes") ?? false, "\(error)")
        }
        // Under a limit it fits, it reads.
        let roomy = try SessionSigner(secret: secret, maximumSize: 16 << 20)
        XCTAssertEqual(try roomy.verify(bomb)["a"], .string(String(repeating: " ", count: 8 << 20)))
    }

    // MARK: Random sessions

    func randomString(length: Int) -> String {
        let pieces = ["a", "b", "book", " ", "Zoë", "é", "\"", "\\", "\n", "日本", "😀", "/", "<", "x", "1"]
        return (0..<length).map { _ in pieces.randomElement()! }.joined()
    }

    func randomValue(depth: Int, large: Bool) -> SessionValue {
        switch Int.random(in: 0..<(depth > 1 ? 5 : 7)) {
        case 0: return .int(Int.random(in: -1_000_000...1_000_000))
        case 1: return .bool(Bool.random())
        case 2: return .null
        case 3: return .double(Double(Int.random(in: -1000...1000)) + 0.5)
        case 4: return .string(randomString(length: large ? Int.random(in: 50...400) : Int.random(in: 0...4)))
        case 5: return .array((0..<Int.random(in: 0...3)).map { _ in randomValue(depth: depth + 1, large: large) })
        default:
            var object: [String: SessionValue] = [:]
            for _ in 0..<Int.random(in: 0...3) { object[randomString(length: 3)] = randomValue(depth: depth + 1, large: large) }
            return .object(object)
        }
    }

    /// A large session (kilobytes of repetitive text: compresses) or a small one (a key or two).
    func randomSession(large: Bool) -> DjangoSessionData {
        var values: [String: SessionValue] = [:]
        for index in 0..<(large ? Int.random(in: 5...12) : 1) {
            values["k\(index)\(randomString(length: 2))"] = randomValue(depth: 0, large: large)
        }
        if large { values["text"] = .string(String(repeating: "the quick brown fox ", count: Int.random(in: 20...200))) }
        return DjangoSessionData(values)
    }
}
