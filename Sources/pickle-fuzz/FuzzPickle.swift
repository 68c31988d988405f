// The libFuzzer target over the pickle reader and writer: scripts/fuzz-pickle.sh builds it with
// `-sanitize=fuzzer,address -D FUZZING` and runs it; the corpus (CPython's pickles and what the
// fuzzer grew from them) is committed in Tests/LarderPickleTests/Corpus and replayed by
// PickleCorpusTests on every `swift test`.
//
// Built normally (`swift run pickle-fuzz FILE...`) it replays files through the same function.
import LarderPickle
#if canImport(Glibc)
import Glibc
#endif

/// Limits small enough that the fuzzer reaches every bound.
let fuzzLimits = PickleLimits(maxInputBytes: 1 << 16, maxDepth: 32, maxContainerCount: 1 << 12, maxTotalValues: 1 << 14)

/// Decodes `bytes`; whatever decodes is described, then written at every protocol and read
/// back, and must write the same bytes again (`decode(encode(v))` is `v`, NaNs included).
/// A crash, a sanitizer report or a failed round trip is a bug.
func exercise(_ bytes: UnsafeRawBufferPointer) {
    let value: PickleValue
    do throws(PickleError) {
        value = try Pickle.decode(bytes, limits: fuzzLimits)
    } catch {
        _ = error.description
        return
    }
    _ = value.description
    for version in 2...5 {
        do throws(PickleError) {
            let encoded = try Pickle.encode(value, protocol: version)
            let again = try Pickle.decode(encoded)
            guard try Pickle.encode(again, protocol: version) == encoded else {
                fatalError("round trip at protocol \(version) changed \(value)")
            }
        } catch {
            // Only a value the writer refuses may fail, never the reading back of our own bytes.
            guard error.code == .unencodable else { fatalError("our own pickle of \(value) does not read back: \(error)") }
        }
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
@_cdecl("pickle_fuzz_main")
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
