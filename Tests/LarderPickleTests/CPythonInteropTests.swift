import Foundation
import LarderPickle
import XCTest

/// The table of ``PickleCases`` both ways against the real CPython: its pickles read here, ours
/// read there. One python3 process per test.
final class CPythonInteropTests: XCTestCase {
    /// The namespace the expressions are evaluated in.
    static let prelude = "import sys, json, pickle, datetime, decimal, uuid\n"

    func testCPythonPicklesReadAsTheExpectedValuesAtEveryProtocol() throws {
        let script = Self.prelude + """
            for expr in json.load(sys.stdin):
                value = eval(expr)
                print(' '.join(pickle.dumps(value, p).hex() for p in (2, 3, 4, 5)), repr(value).encode().hex())
            """
        let cases = PickleCases.all
        let input = String(decoding: try JSONEncoder().encode(cases.map(\.python)), as: UTF8.self)
        let lines = try Python.run(script, input: input).split(separator: "\n")
        XCTAssertEqual(lines.count, cases.count)
        for (testCase, line) in zip(cases, lines) {
            let fields = line.split(separator: " ")
            for (version, hex) in zip(2...5, fields.prefix(4)) {
                let bytes = try XCTUnwrap([UInt8](hex: hex))
                do {
                    let decoded = try Pickle.decode(bytes)
                    XCTAssertEqual(decoded, testCase.value, "\(testCase.python) at protocol \(version)")
                } catch {
                    XCTFail("\(testCase.python) at protocol \(version): \(error)")
                }
            }
            let repr = String(decoding: try XCTUnwrap([UInt8](hex: fields[4])), as: UTF8.self)
            XCTAssertEqual(testCase.value.description, repr, "description of \(testCase.python)")
        }
    }

    func testOurPicklesLoadInCPythonAsEqualValuesAndMatchItsBytesWhereDocumented() throws {
        // Per case and protocol, CPython prints: loads gives an equal value of the same repr, and
        // whether pickle.dumps writes the very same bytes.
        let script = Self.prelude + """
            for line in sys.stdin:
                expr, *hexes = json.loads(line)
                expected = eval(expr)
                for p, h in zip((2, 3, 4, 5), hexes):
                    data = bytes.fromhex(h)
                    try:
                        loaded = pickle.loads(data)
                        ok = repr(loaded) == repr(expected) and loaded == expected
                    except Exception as e:
                        ok = False
                    print('ok' if ok else 'FAIL', 'same' if pickle.dumps(expected, p) == data else 'differ')
            """
        var input = ""
        for testCase in PickleCases.all {
            let hexes = try (2...5).map { try Pickle.encode(testCase.value, protocol: $0).hex }
            input += String(decoding: try JSONEncoder().encode([testCase.python] + hexes), as: UTF8.self) + "\n"
        }
        let verdicts = try Python.run(script, input: input).split(separator: "\n")
        XCTAssertEqual(verdicts.count, PickleCases.all.count * 4)
        for (index, verdict) in verdicts.enumerated() {
            let testCase = PickleCases.all[index / 4]
            let version = 2 + index % 4
            let fields = verdict.split(separator: " ")
            XCTAssertEqual(fields.first, "ok", "pickle.loads of our \(testCase.python) at protocol \(version)")
            if let identical = testCase.identical, identical.contains(version) {
                XCTAssertEqual(fields.last, "same", "our bytes for \(testCase.python) at protocol \(version) differ from pickle.dumps")
            }
        }
    }
}
