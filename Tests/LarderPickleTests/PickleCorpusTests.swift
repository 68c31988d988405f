import Foundation
import LarderPickle
import XCTest

/// Replays Tests/LarderPickleTests/Corpus: CPython's pickles (`cpython-*`, which must decode)
/// and the inputs scripts/fuzz-pickle.sh found reaching new code (which must not crash; most
/// are errors). Each that decodes must also survive the fuzzer's round trip.
final class PickleCorpusTests: XCTestCase {
    func testCorpusReplaysWithoutCrashAndCPythonSeedsDecode() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertGreaterThanOrEqual(names.filter { $0.hasPrefix("cpython-") }.count, 60)
        let limits = PickleLimits(maxInputBytes: 1 << 16, maxDepth: 32, maxContainerCount: 1 << 12, maxTotalValues: 1 << 14)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            let value: PickleValue
            do {
                value = try Pickle.decode(bytes, limits: limits)
            } catch {
                XCTAssertFalse(name.hasPrefix("cpython-"), "\(name): \(error)")
                _ = error.description
                continue
            }
            _ = value.description
            for version in 2...5 {
                do {
                    let encoded = try Pickle.encode(value, protocol: version)
                    XCTAssertEqual(try Pickle.encode(try Pickle.decode(encoded), protocol: version), encoded, "\(name) at protocol \(version)")
                } catch {
                    XCTAssertEqual(error.code, .unencodable, "\(name) at protocol \(version): \(error)")
                }
            }
        }
    }
}
