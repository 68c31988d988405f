// The libFuzzer target over the RESP decoder: scripts/fuzz.sh builds it with
// `-sanitize=fuzzer,address -D FUZZING` and runs it; the corpus it grows is committed in
// Tests/LarderRESPTests/FuzzCorpus and replayed by RESPDecoderFuzzTests on every `swift test`.
//
// Built normally (`swift run resp-fuzz FILE...`) it replays files through the same function.
import NIOCore
import LarderRESP
#if canImport(Glibc)
import Glibc
#endif

/// Limits small enough that the fuzzer reaches every bound.
let fuzzLimits = RESPLimits(maxBulkLength: 1 << 16, maxAggregateCount: 1 << 12, maxDepth: 16, maxLineLength: 1 << 12)

/// Decodes every frame in `bytes` and walks each completely: value, attributes, elements,
/// descriptions and conversions. A crash or sanitizer report is a bug.
func exercise(_ bytes: UnsafeRawBufferPointer) {
    var buffer = ByteBuffer(bytes: bytes)
    var decoder = RESPDecoder(limits: fuzzLimits)
    while true {
        do throws(RESPDecodeError) {
            guard let token = try decoder.decode(buffer: &buffer) else { return }
            walk(token)
        } catch {
            _ = error.description
            return
        }
    }
}

func walk(_ token: RESPToken) {
    _ = token.description
    _ = token.type
    _ = try? String(fromRESP: token)
    _ = try? Int(fromRESP: token)
    _ = try? Double(fromRESP: token)
    _ = try? [String: String](fromRESP: token)
    if let attributes = token.attributes {
        for pair in attributes {
            walk(pair.key)
            walk(pair.value)
        }
    }
    switch token.value {
    case .array(let elements), .set(let elements), .push(let elements):
        for element in elements { walk(element) }
    case .map(let pairs):
        for pair in pairs {
            walk(pair.key)
            walk(pair.value)
        }
    default:
        break
    }
}

#if FUZZING
/// libFuzzer's driver, from clang's runtime that `-sanitize=fuzzer` links in.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

// SwiftPM links an executable's `main` to `<module>_main`; hand it to libFuzzer's driver.
@_cdecl("resp_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        exercise(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
struct ReplayFiles {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { throw ReplayError(path: path) }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&chunk, 1, chunk.count, file)
                if count <= 0 { break }
                bytes += chunk.prefix(count)
            }
            bytes.withUnsafeBytes { exercise($0) }
            print("\(path): \(bytes.count) bytes, no crash")
        }
    }
}

struct ReplayError: Error, CustomStringConvertible {
    var path: String
    var description: String { "cannot open \(path)" }
}
#endif
