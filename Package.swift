// swift-tools-version: 6.1
import PackageDescription

// One settings array for every target (as Hummingbird and valkey-swift do), so the language
// rules cannot drift between modules.
let swiftSettings: [SwiftSetting] = [
    // `any P` spelled out: existentials cost an allocation and dynamic dispatch, so make them visible.
    .enableUpcomingFeature("ExistentialAny"),
    // A file must import every module whose API it uses, so each file's dependencies are honest.
    .enableUpcomingFeature("MemberImportVisibility"),
]

// What a library user downloads. Traits (SE-0450) gate the dependencies only some targets need,
// so that an app depending on the client or the cache fetches only SwiftNIO, swift-log,
// swift-service-lifecycle and compress-nio (`traits: []` on its `.package` line; see the README):
// - `Hummingbird`: the Hummingbird 2 integrations (WebCache, Sessions, KeyspaceBrowser) and what
//   they need: Hummingbird, swift-crypto (page-cache keys, signed sessions), GRDB (cached_db).
// - `Guide`: this repository's tutorial, tests and benchmarks: swift-argument-parser,
//   hummingbird-auth (shown beside our sessions), malloc-interposer (allocation counts).
// Both are on by default, so `swift run guide` and `swift test` here need nothing extra.

/// A product only the Hummingbird integrations need.
func hummingbirdOnly(_ name: String, package: String) -> Target.Dependency {
    .product(name: name, package: package, condition: .when(traits: ["Hummingbird"]))
}

/// A product only the tutorial, its tests and its benchmarks need.
func guideOnly(_ name: String, package: String) -> Target.Dependency {
    .product(name: name, package: package, condition: .when(traits: ["Guide"]))
}

let package = Package(
    name: "redis-cache-session-guide",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LarderRESP", targets: ["LarderRESP"]),
        .library(name: "LarderRedis", targets: ["LarderRedis"]),
        .library(name: "LarderZlib", targets: ["LarderZlib"]),
        .library(name: "LarderCache", targets: ["LarderCache"]),
        .library(name: "LarderFastJSON", targets: ["LarderFastJSON"]),
        .library(name: "LarderPickle", targets: ["LarderPickle"]),
        .library(name: "LarderWebCache", targets: ["LarderWebCache"]),
        .library(name: "LarderSessions", targets: ["LarderSessions"]),
        .library(name: "LarderKeyspace", targets: ["LarderKeyspace"]),
        .library(name: "LarderKeyspaceBrowser", targets: ["LarderKeyspaceBrowser"]),
        .executable(name: "install-redis", targets: ["install-redis"]),
        .executable(name: "configure-socket", targets: ["configure-socket"]),
        .executable(name: "cache-backend", targets: ["cache-backend"]),
        .executable(name: "cache-api", targets: ["cache-api"]),
        .executable(name: "sessions", targets: ["sessions"]),
        .executable(name: "keyspace", targets: ["keyspace"]),
        .executable(name: "sharing-with-django", targets: ["sharing-with-django"]),
        .executable(name: "beyond-one-redis", targets: ["beyond-one-redis"]),
        .executable(name: "your-app", targets: ["your-app"]),
        .executable(name: "guide", targets: ["guide"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    traits: [
        .trait(
            name: "Hummingbird",
            description: "The Hummingbird 2 integrations: WebCache, Sessions and KeyspaceBrowser (Hummingbird, swift-crypto, GRDB)."
        ),
        .trait(
            name: "Guide",
            description: "The tutorial's chapters, tests and benchmarks (swift-argument-parser, hummingbird-auth, malloc-interposer).",
            enabledTraits: ["Hummingbird"]
        ),
        .default(enabledTraits: ["Guide"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // TLS (`rediss://`): NIOSSLClientHandler in front of the RESP handlers on TCP connections.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // zlib (the system libz, RFC 1950 streams) for values Django compresses: django-redis's
        // ZlibCompressor and `signing.dumps(..., compress=True)` in sessions.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // MD5 for Django's page-cache keys; HMAC-SHA256 for signed sessions.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // SQLite (system libsqlite3) for the cached-DB session engine's django_session table.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Hummingbird's own SessionMiddleware, shown running on our RedisCache persist driver.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Counts allocations for `bench client --allocations` (preloaded, bench only).
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.6.1"),
    ],
    targets: [
        // LarderRESP: bytes <-> frames. No I/O.
        .target(
            name: "LarderRESP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // LarderRedis: connections over a Unix socket or TCP, commands. Knows RESP, not HTTP.
        .target(
            name: "LarderRedis",
            dependencies: [
                "LarderRESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // The pool and the multiplexer are Services with a run().
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // TLS to a Redis tls-port (`rediss://`), with mutual TLS; NIOTLS for its handshake event.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // LarderFastJSON: a Codable JSON coder several times faster than Foundation's, same bytes.
        .target(
            name: "LarderFastJSON",
            swiftSettings: swiftSettings
        ),
        // LarderPickle: Python's pickle (protocols 2 to 5) for the values Django's caches and
        // sessions store: a bounded reader with an allow-list of types, a writer, Codable bridges.
        // Big ints are kept as their bytes (no arithmetic needed), so no big-number dependency.
        .target(
            name: "LarderPickle",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // LarderZlib: Python's `zlib.compress` / `zlib.decompress` on byte buffers, the latter with a
        // bound on the output (a zip bomb is an error, not gigabytes of memory).
        .target(
            name: "LarderZlib",
            dependencies: [
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // LarderCache: Django's low-level cache API on Redis, and its in-memory twin.
        .target(
            name: "LarderCache",
            dependencies: [
                "LarderRedis", "LarderRESP", "LarderFastJSON", "LarderZlib", "LarderPickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // LarderWebCache: Hummingbird integration: the page cache middleware, the persist driver.
        .target(
            name: "LarderWebCache",
            dependencies: [
                "LarderCache", "LarderRedis",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                hummingbirdOnly("Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // LarderSessions: Django's session engines (cache, cached DB on SQLite, standalone Redis with
        // signed values) and the session middleware with Django's rules (chapter 05).
        .target(
            name: "LarderSessions",
            dependencies: [
                "LarderCache", "LarderRedis", "LarderRESP", "LarderZlib",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                hummingbirdOnly("Crypto", package: "swift-crypto"),
                hummingbirdOnly("GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // LarderKeyspace: a read-only inspector (chapter 06): INFO keyspace, SCAN, each key
        // described, grouped by what wrote it. Sends only read commands, by type.
        .target(
            name: "LarderKeyspace",
            dependencies: ["LarderRedis", "LarderRESP", "LarderPickle", "LarderZlib", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // LarderKeyspaceBrowser: the inspector as a read-only web page (`keyspace --web`), loopback only.
        .target(
            name: "LarderKeyspaceBrowser",
            dependencies: [
                "LarderKeyspace", "LarderRedis",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Guide: what the chapters share: steps, checks, terminal output, the doctor, and the
        // command-line arguments the chapter executables have in common.
        .target(
            name: "Guide",
            dependencies: ["LarderRedis", "LarderRESP", guideOnly("ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        // Chapters: each chapter's steps, in the article's order, so that a chapter's own
        // executable and the `guide` tour run the very same code.
        // The exercises' starting code, which readers edit (checked by `swift run guide exercises`).
        .target(
            name: "Exercises",
            dependencies: [
                "LarderCache", "LarderSessions", "LarderKeyspace", "LarderRedis",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Chapters",
            dependencies: [
                "Guide", "Exercises", "LarderRedis", "LarderRESP", "LarderCache", "LarderKeyspace", "LarderWebCache", "LarderSessions", "RedisTestSupport", "WebTestSupport",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                guideOnly("HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A private redis-server on a temporary socket, for tests that break, flush or restart it;
        // a log recorder, for tests that check what was logged.
        .target(
            name: "RedisTestSupport",
            dependencies: ["LarderRedis", "LarderRESP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // A site started in process and a plain HTTP/1.1 client over loopback, for the chapters'
        // demos, tests and benchmarks: they see the exact bytes served.
        .target(
            name: "WebTestSupport",
            dependencies: [
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // One thin executable per chapter.
        .executableTarget(
            name: "install-redis",
            dependencies: ["Chapters", "Guide", guideOnly("ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "configure-socket",
            dependencies: ["Chapters", "Guide", guideOnly("ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cache-backend",
            dependencies: [
                "Chapters", "Guide", "WebTestSupport",
                guideOnly("ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cache-api",
            dependencies: ["Chapters", "Guide", guideOnly("ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        // chapters/your-own-app.md: the smallest app on the library, compiled by every build.
        .executableTarget(
            name: "your-app",
            dependencies: [
                "LarderCache", "LarderSessions", "LarderWebCache",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sharing-with-django",
            dependencies: ["Chapters", "Guide", guideOnly("ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "beyond-one-redis",
            dependencies: ["Chapters", "Guide", guideOnly("ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sessions",
            dependencies: [
                "Chapters", "Guide",
                guideOnly("ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "keyspace",
            dependencies: [
                "Chapters", "Guide", "LarderKeyspace", "LarderKeyspaceBrowser", "LarderRedis", "WebTestSupport",
                guideOnly("ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "guide",
            dependencies: [
                "Chapters", "Guide",
                guideOnly("ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks beside a reference measured in the same run: `swift run -c release bench`.
        .executableTarget(
            name: "bench",
            dependencies: [
                "LarderRedis", "LarderRESP", "RedisTestSupport", "Guide", "LarderCache", "LarderWebCache", "LarderSessions", "Chapters", "WebTestSupport",
                "LarderPickle",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                guideOnly("ArgumentParser", package: "swift-argument-parser"),
                guideOnly("MallocInterposerSwift", package: "malloc-interposer"),
            ],
            swiftSettings: swiftSettings
        ),

        // libFuzzer target over the RESP decoder (scripts/fuzz.sh); a corpus replayer otherwise.
        .executableTarget(
            name: "resp-fuzz",
            dependencies: ["LarderRESP", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),

        // libFuzzer target over the pickle reader (scripts/fuzz.sh pickle); a corpus replayer otherwise.
        .executableTarget(
            name: "pickle-fuzz",
            dependencies: ["LarderPickle"],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "LarderRESPTests",
            dependencies: ["LarderRESP", .product(name: "NIOCore", package: "swift-nio")],
            // Inputs grown by scripts/fuzz.sh, read from disk by the corpus replay test.
            exclude: ["FuzzCorpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderRedisTests",
            dependencies: [
                "LarderRedis", "LarderRESP", "RedisTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                // NIOAsyncTestingChannel: the channel handler driven without a socket.
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderPickleTests",
            dependencies: ["LarderPickle", .product(name: "NIOCore", package: "swift-nio")],
            // CPython's pickles and what the fuzzer grew from them, replayed by PickleCorpusTests.
            exclude: ["Corpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderFastJSONTests",
            dependencies: ["LarderFastJSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderCacheTests",
            dependencies: [
                "LarderCache", "LarderRedis", "LarderZlib", "RedisTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderWebCacheTests",
            dependencies: [
                "LarderWebCache", "LarderCache", "LarderRedis", "RedisTestSupport", "WebTestSupport",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderSessionsTests",
            dependencies: [
                "LarderSessions", "LarderRESP", "Chapters", "LarderCache", "LarderRedis", "LarderWebCache", "LarderZlib", "RedisTestSupport", "WebTestSupport",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                hummingbirdOnly("HummingbirdTesting", package: "hummingbird"),
                guideOnly("HummingbirdAuth", package: "hummingbird-auth"),
                hummingbirdOnly("GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Against Django itself (setup.sh --with-test-tools installs it under .build/django):
        // cache values, sessions and page keys, written by one side and read by the other.
        .testTarget(
            name: "DjangoInteropTests",
            dependencies: [
                "LarderCache", "LarderKeyspace", "LarderPickle", "LarderSessions", "LarderWebCache", "LarderRedis", "RedisTestSupport",
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GuideTests",
            dependencies: ["Guide", "LarderRedis", "RedisTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LarderKeyspaceTests",
            dependencies: [
                "LarderKeyspace", "LarderKeyspaceBrowser", "LarderRedis", "LarderRESP", "RedisTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The chapter executables' command lines, parsed as a reader types them (no terminal needed).
        .testTarget(
            name: "CommandLineTests",
            dependencies: [
                "install-redis", "configure-socket", "cache-backend", "cache-api", "sessions", "keyspace", "sharing-with-django",
                "Guide", "Chapters", "WebTestSupport", "LarderKeyspace", "LarderRedis",
                guideOnly("ArgumentParser", package: "swift-argument-parser"),
                hummingbirdOnly("Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChapterTests",
            dependencies: [
                "Chapters", "Guide", "LarderRedis", "LarderCache", "LarderWebCache", "LarderSessions", "RedisTestSupport", "WebTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
