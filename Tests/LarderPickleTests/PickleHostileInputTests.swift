import LarderPickle
import XCTest

/// Inputs an attacker with write access to Redis could store: each is a typed error with the
/// right code, opcode and offset, never code execution, a trap or a stack overflow.
final class PickleHostileInputTests: XCTestCase {
    /// Decodes `bytes`, which must fail; returns the error.
    private func failure(_ bytes: [UInt8], limits: PickleLimits = PickleLimits(), file: StaticString = #filePath, line: UInt = #line) -> PickleError? {
        do {
            let value = try Pickle.decode(bytes, limits: limits)
            XCTFail("decoded \(value)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func le64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    func testGlobalOutsideTheAllowListIsRefusedBeforeAnyCall() {
        // pickle.dumps of a __reduce__ returning (os.system, ('ls',)), protocol 2.
        let bytes: [UInt8] = [0x80, 0x02] + Array("cos\nsystem\nq\u{0}X\u{2}\u{0}\u{0}\u{0}lsq\u{1}\u{85}q\u{2}Rq\u{3}.".utf8)
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .forbiddenGlobal)
        XCTAssertEqual(error?.offset, 2)
        XCTAssertEqual(error?.opcode, 0x63)
        XCTAssertEqual(error?.opcodeName, "GLOBAL")
        XCTAssertEqual(error?.description, "pickle: forbiddenGlobal at byte 2, GLOBAL (0x63): os system is not allow-listed")
    }

    func testStackGlobalOutsideTheAllowListIsRefused() {
        // Protocol 4: 'builtins' 'eval' STACK_GLOBAL.
        let bytes: [UInt8] = [0x80, 0x04, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8) + [0x93, 0x2E]
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .forbiddenGlobal)
        XCTAssertEqual(error?.offset, 18)
        XCTAssertEqual(error?.opcodeName, "STACK_GLOBAL")
    }

    func testEveryTruncationOfAValidPickleIsAnError() throws {
        let value: PickleValue = ["name": "x", "cart": [3, 5], "at": .datetime(.init(year: 2024, month: 1, day: 2, utcOffset: PickleTimeDelta()))]
        for version in 2...5 {
            let bytes = try Pickle.encode(value, protocol: version)
            XCTAssertEqual(try Pickle.decode(bytes), value)
            for length in 0..<bytes.count {
                guard let error = failure(Array(bytes.prefix(length))) else { continue }
                switch length {
                case 0: XCTAssertEqual(error.code, .unsupportedProtocol)
                default:
                    // Protocol 4+ starts with a FRAME whose length no prefix has.
                    let expected: PickleError.Code = version >= 4 && length >= 11 ? .badFrame : .truncated
                    XCTAssertEqual(error.code, expected, "protocol \(version), \(length) of \(bytes.count) bytes: \(error)")
                    XCTAssertLessThanOrEqual(error.offset ?? .max, length)
                }
            }
        }
    }

    func testHugeLengthIsTruncationNotAnAllocation() {
        let bytes: [UInt8] = [0x80, 0x04, 0x8D] + le64(.max) + [0x2E]
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .truncated)
        XCTAssertEqual(error?.offset, 2)
        XCTAssertEqual(error?.opcodeName, "BINUNICODE8")
        let large = failure([0x80, 0x04, 0x8E] + le64(1 << 40) + [0x2E])
        XCTAssertEqual(large?.code, .truncated)
        XCTAssertEqual(large?.opcodeName, "BINBYTES8")
    }

    func testInputBeyondTheSizeLimitIsRefused() {
        let error = failure([0x80, 0x04, 0x4E, 0x2E], limits: PickleLimits(maxInputBytes: 3))
        XCTAssertEqual(error?.code, .limitExceeded)
        XCTAssertEqual(error?.offset, 0)
    }

    func testHundredThousandNestedListsStopAtTheDepthLimit() {
        let depth = 100_000
        let bytes: [UInt8] = [0x80, 0x04] + [UInt8](repeating: 0x5D, count: depth) + [UInt8](repeating: 0x61, count: depth - 1) + [0x2E]
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .tooDeep)
        // The list at depth 200 (counting from 0) is the 201st EMPTY_LIST, at byte 2 + 200.
        XCTAssertEqual(error?.offset, 202)
        XCTAssertEqual(error?.opcodeName, "EMPTY_LIST")
    }

    func testListContainingItselfIsACycle() {
        // a = []; a.append(a); pickle.dumps(a, 2)
        let error = failure([0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E])
        XCTAssertEqual(error?.code, .cycle)
        XCTAssertEqual(error?.offset, 2)
        XCTAssertEqual(error?.opcodeName, "EMPTY_LIST")
    }

    func testFrameLongerThanTheInputIsABadFrame() throws {
        var bytes = try Pickle.encode(["count": 2], protocol: 5)
        XCTAssertEqual(bytes[2], 0x95)
        let length = bytes[3]
        bytes[3] = length + 1
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .badFrame)
        XCTAssertEqual(error?.offset, 2)
        XCTAssertEqual(error?.opcodeName, "FRAME")
    }

    func testFrameShorterThanItsOpcodesIsABadFrame() throws {
        var bytes = try Pickle.encode(["count": 2], protocol: 5)
        // \x80\x05 \x95 len } \x94 \x8c\x05count \x94 K\x02 s . : end the frame inside SHORT_BINUNICODE.
        bytes[3] = 4
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .badFrame)
        XCTAssertEqual(error?.offset, 13)
        XCTAssertEqual(error?.opcodeName, "SHORT_BINUNICODE")
    }

    func testMemoGetOfAMissingIndexIsAnError() {
        let error = failure([0x80, 0x04, 0x68, 0x05, 0x2E])
        XCTAssertEqual(error?.code, .missingMemo)
        XCTAssertEqual(error?.offset, 2)
        XCTAssertEqual(error?.opcodeName, "BINGET")
    }

    func testSharedReferencesExpandingBeyondTheTotalLimitAreRefused() {
        // x0 = (1, 2); x(i) = (x(i-1), x(i-1)) for 60 levels: 2**60 values once expanded.
        var bytes: [UInt8] = [0x80, 0x04, 0x4B, 1, 0x4B, 2, 0x86, 0x94]
        for level in 0..<60 { bytes += [0x68, UInt8(level), 0x68, UInt8(level), 0x86, 0x94] }
        bytes.append(0x2E)
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .limitExceeded)
    }

    func testSharedTupleOfScalarsCountsEveryElementWhereverItIsReferenced() {
        // t = tuple(range(100)); [t] * 300 holds 30,000 values: beyond a limit of 10,000.
        var bytes: [UInt8] = [0x80, 0x04, 0x28] + (0..<100).flatMap { [0x4B, UInt8($0)] } + [0x74, 0x94, 0x5D, 0x28]
        bytes += [UInt8](repeating: 0, count: 300).flatMap { _ in [0x68, 0x00] } + [0x65, 0x2E]
        XCTAssertEqual(try Pickle.decode(bytes).arrayValue?.count, 300)
        XCTAssertEqual(failure(bytes, limits: PickleLimits(maxTotalValues: 10_000))?.code, .limitExceeded)
    }

    func testLongStrSharedThroughTheMemoCountsItsLength() {
        // s = 'x' * 64_000; [s] * 2000 is 128 MB of text once expanded: 2 million values at 64 bytes each.
        var bytes: [UInt8] = [0x80, 0x04, 0x58] + withUnsafeBytes(of: UInt32(64_000).littleEndian) { Array($0) }
        bytes += [UInt8](repeating: 0x78, count: 64_000) + [0x94, 0x5D, 0x28]
        bytes += [UInt8](repeating: 0, count: 2000).flatMap { _ in [0x68, 0x00] } + [0x65, 0x2E]
        XCTAssertEqual(try Pickle.decode(bytes).arrayValue?.count, 2000)
        XCTAssertEqual(failure(bytes, limits: PickleLimits(maxTotalValues: 1_000_000))?.code, .limitExceeded)
    }

    func testAppendThroughTheMemoChangesEveryReference() throws {
        // L = []; T = (L, L); then L.append(5) through the memo: T reads ([5], [5]), as in Python.
        let bytes: [UInt8] = [0x80, 0x04, 0x5D, 0x94, 0x68, 0x00, 0x86, 0x94, 0x68, 0x00, 0x4B, 0x05, 0x61, 0x30, 0x2E]
        XCTAssertEqual(try Pickle.decode(bytes), .tuple([[5], [5]]))
    }

    func testUnknownOpcodeAndPersistentIdAreRefused() {
        XCTAssertEqual(failure([0x80, 0x04, 0xFF, 0x2E])?.code, .unknownOpcode)
        let persistent = failure([0x80, 0x04, 0x4E, 0x51, 0x2E])
        XCTAssertEqual(persistent?.code, .unknownOpcode)
        XCTAssertEqual(persistent?.opcodeName, "BINPERSID")
        XCTAssertEqual(persistent?.offset, 3)
    }

    func testTextProtocolsAreRefused() {
        // pickle.dumps([], 0)
        let error = failure(Array("(lp0\n.".utf8))
        XCTAssertEqual(error?.code, .unsupportedProtocol)
        XCTAssertEqual(error?.offset, 0)
        XCTAssertEqual(failure([0x80, 0x06, 0x4E, 0x2E])?.code, .unsupportedProtocol)
    }

    func testReduceOfAnAllowedClassWithWrongArgumentsIsMalformed() {
        // datetime.datetime(5): an int where the packed bytes go.
        let bytes: [UInt8] = [0x80, 0x02] + Array("cdatetime\ndatetime\n".utf8) + [0x4B, 5, 0x85, 0x52, 0x2E]
        let error = failure(bytes)
        XCTAssertEqual(error?.code, .malformed)
        XCTAssertEqual(error?.opcodeName, "REDUCE")
    }

    func testTimezoneOtherThanAFixedOffsetIsRefused() {
        // datetime(..., tzinfo=<a set>) stands in for a zoneinfo/pytz tzinfo, which needs a forbidden global.
        let packed: [UInt8] = [0x07, 0xE8, 1, 2, 3, 4, 5, 0, 0, 0]
        let bytes: [UInt8] = [0x80, 0x03] + Array("cdatetime\ndatetime\n".utf8) + [0x43, 10] + packed + [0x4B, 1, 0x86, 0x52, 0x2E]
        XCTAssertEqual(failure(bytes)?.code, .invalidValue)
        let zoneinfo: [UInt8] = [0x80, 0x03] + Array("czoneinfo\nZoneInfo\n".utf8) + [0x2E]
        XCTAssertEqual(failure(zoneinfo)?.code, .forbiddenGlobal)
    }
}
