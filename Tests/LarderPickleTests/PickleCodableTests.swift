import Foundation
import LarderPickle
import NIOCore
import XCTest

/// `PickleEncoder`/`PickleDecoder`: Swift types as the Python values Django stores.
final class PickleCodableTests: XCTestCase {
    struct Session: Codable, Equatable {
        var userID: String
        var cart: [Int]
        var lastSeen: Date
        var note: String?
        var price: Decimal
        var token: UUID
        var avatar: Data

        enum CodingKeys: String, CodingKey {
            case userID = "_auth_user_id", cart, lastSeen = "last_seen", note, price, token, avatar
        }
    }

    let session = Session(
        userID: "42", cart: [3, 5], lastSeen: Date(timeIntervalSince1970: 1_714_979_289.5), note: nil,
        price: Decimal(string: "19.99")!, token: UUID(uuidString: "12345678-1234-5678-1234-567812345678")!, avatar: Data([0, 1, 2])
    )

    /// A nil optional is left out (synthesized `encodeIfPresent`), as a Django view would not set the key.
    func testStructEncodesAsTheDictDjangoWouldStore() throws {
        let value = try PickleEncoder().encodeValue(session)
        XCTAssertEqual(
            value.description,
            "{'_auth_user_id': '42', 'cart': [3, 5], 'last_seen': datetime.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=datetime.timezone.utc), "
                + "'price': Decimal('19.99'), 'token': UUID('12345678-1234-5678-1234-567812345678'), 'avatar': b'\\x00\\x01\\x02'}"
        )
    }

    func testStructRoundTripsThroughBytesAndByteBuffer() throws {
        for version in 2...5 {
            let bytes = try PickleEncoder().encode(session, protocol: version)
            XCTAssertEqual(try PickleDecoder().decode(Session.self, from: bytes), session)
            var buffer = ByteBuffer()
            try PickleEncoder().encode(session, protocol: version, into: &buffer)
            XCTAssertEqual(try PickleDecoder().decode(Session.self, from: buffer), session)
        }
    }

    func testCPythonReadsOurStructAndWeReadItsSession() throws {
        let bytes = try PickleEncoder().encode(session)
        let script = """
            import sys, pickle, datetime, decimal, uuid
            value = pickle.loads(bytes.fromhex(sys.stdin.readline().strip()))
            expected = {'_auth_user_id': '42', 'cart': [3, 5], 'last_seen': datetime.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=datetime.timezone.utc),
                        'price': decimal.Decimal('19.99'), 'token': uuid.UUID('12345678-1234-5678-1234-567812345678'), 'avatar': b'\\x00\\x01\\x02'}
            print('ok' if value == expected else 'FAIL %r' % (value,))
            # Naive: Django with USE_TZ = False. Read as UTC.
            expected['last_seen'] = expected['last_seen'].replace(tzinfo=None)
            print(pickle.dumps(expected, 4).hex())
            """
        let lines = try Python.run(script, input: bytes.hex + "\n").split(separator: "\n")
        XCTAssertEqual(lines.first, "ok")
        let theirs = try XCTUnwrap([UInt8](hex: try XCTUnwrap(lines.last)))
        XCTAssertEqual(try PickleDecoder().decode(Session.self, from: theirs), session)
    }

    func testAwareDatetimeAtAnOffsetDecodesToTheSameInstant() throws {
        let value = PickleValue.datetime(.init(year: 2024, month: 5, day: 6, hour: 9, minute: 8, second: 9, microsecond: 500_000, utcOffset: PickleTimeDelta(seconds: 7200)))
        XCTAssertEqual(try PickleDecoder().decode(Date.self, from: value), session.lastSeen)
    }

    func testIntDecodesAsDoubleAndTupleAsArray() throws {
        XCTAssertEqual(try PickleDecoder().decode(Double.self, from: .int(3)), 3.0)
        XCTAssertEqual(try PickleDecoder().decode([Int].self, from: .tuple([1, 2])), [1, 2])
        XCTAssertEqual(try PickleDecoder().decode(UInt64.self, from: .bigInt(PickleBigInt("18446744073709551615")!)), .max)
    }

    func testMismatchesAreDecodingErrorsNamingThePath() throws {
        XCTAssertThrowsError(try PickleDecoder().decode(Int.self, from: .float(2.5))) { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(context.debugDescription.contains("found float"), context.debugDescription)
        }
        XCTAssertThrowsError(try PickleDecoder().decode(Session.self, from: ["_auth_user_id": 42])) { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["_auth_user_id"])
        }
        XCTAssertThrowsError(try PickleDecoder().decode(Int8.self, from: .int(300)))
        XCTAssertThrowsError(try PickleDecoder().decode(Session.self, from: [:])) { error in
            guard case DecodingError.keyNotFound = error else { return XCTFail("\(error)") }
        }
    }
}

/// Writing into a caller's `ByteBuffer`.
final class PickleByteBufferTests: XCTestCase {
    func testEncodeAppendsAfterWhatTheBufferHoldsAndDecodeReadsInPlace() throws {
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        buffer.moveReaderIndex(forwardBy: 3)
        try Pickle.encode(["count": 2], protocol: 5, into: &buffer)
        XCTAssertEqual(try Pickle.decode(buffer), ["count": 2])
        XCTAssertEqual(buffer.readerIndex, 3)
    }

    func testFailedEncodeLeavesTheBufferAsItWas() {
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        let bad: PickleValue = [1, .date(PickleDate(year: 2024, month: 13, day: 1))]
        XCTAssertThrowsError(try Pickle.encode(bad, protocol: 5, into: &buffer)) { error in
            XCTAssertEqual((error as? PickleError)?.code, .unencodable)
        }
        XCTAssertEqual(buffer, ByteBuffer(bytes: [1, 2, 3]))
    }
}
