import Foundation
import LarderSessions
import XCTest

/// Values signed by Django 5.2 (`django.core.signing.dumps` with the session salt, the
/// secret below, `time.time()` fixed at 1764168000); Django 6.1 signs the same way.
final class SessionSignerTests: XCTestCase {
    let secret = "chapter-05-test-secret"
    let signedAt = Date(timeIntervalSince1970: 1_764_168_000)
    let djangoCount = "eyJjb3VudCI6Mn0:1vOGga:SWLIhHep50txkaTiGE2XcWlKDvjym-1Q6nSabxGSK90"
    let djangoMixed = "eyJ1c2VyIjoialx1MDBmY3JnZW4iLCJuIjpbMSwyLjUsbnVsbCx0cnVlXX0:1vOGga:y3dFr39WU21Ds6z8vrE1fjzCOZLnuo9Jw-mzpmtcX1k"

    func testSignsExactlyAsDjango() throws {
        let signer = try SessionSigner(secret: secret)
        XCTAssertEqual(signer.sign(DjangoSessionData(["count": 2]), at: signedAt), djangoCount)
    }

    func testReadsWhatDjangoSigned() throws {
        let signer = try SessionSigner(secret: secret)
        XCTAssertEqual(signer.unsign(djangoCount), DjangoSessionData(["count": 2]))
        let mixed = try XCTUnwrap(signer.unsign(djangoMixed))
        XCTAssertEqual(try mixed.get("user", as: String.self), "jürgen")
        XCTAssertEqual(mixed["n"], .array([.int(1), .double(2.5), .null, .bool(true)]))
        XCTAssertEqual(SessionSigner.signedAt(djangoCount), signedAt)
    }

    func testTamperedValuesDoNotVerify() throws {
        let signer = try SessionSigner(secret: secret)
        // The payload changed to {"count":9}, the signature kept.
        let forged = "eyJjb3VudCI6OX0:1vOGga:SWLIhHep50txkaTiGE2XcWlKDvjym-1Q6nSabxGSK90"
        XCTAssertNil(signer.unsign(forged))
        XCTAssertNil(signer.unsign(djangoCount.replacingOccurrences(of: ":1vOGga:", with: ":1vOGgb:")))
        XCTAssertNil(signer.unsign(String(djangoCount.dropLast())))
        XCTAssertNil(signer.unsign("garbage"))
        XCTAssertNil(signer.unsign(""))
        XCTAssertNil(try SessionSigner(secret: "another-secret").unsign(djangoCount))
        XCTAssertNil(try SessionSigner(secret: secret, salt: "another.salt").unsign(djangoCount))
    }

    func testEmptySecretIsRefused() {
        XCTAssertThrowsError(try SessionSigner(secret: "")) { error in
            guard (error as? SessionError)?.code == .invalidConfiguration else { return XCTFail("\(error)") }
        }
    }

    func testRoundTripsTypedValuesAndEscapesLikePython() throws {
        let signer = try SessionSigner(secret: secret)
        var data = DjangoSessionData()
        try data.set("name", "Zoë \"quoted\"\n")
        try data.set("ids", [3, 1, 2])
        try data.set("ratio", 0.25)
        XCTAssertEqual(String(decoding: data.json, as: UTF8.self), #"{"ids":[3,1,2],"name":"Zo\u00eb \"quoted\"\n","ratio":0.25}"#)
        let read = try XCTUnwrap(signer.unsign(signer.sign(data)))
        XCTAssertEqual(read, data)
        XCTAssertEqual(try read.get("ids", as: [Int].self), [3, 1, 2])
    }
}
