// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "my-app",
    platforms: [.macOS(.v15)],
    dependencies: [
        // This repository, cloned beside your app as redis-cache-session-guide. The Hummingbird
        // trait brings the page cache and sessions; the guide's own tools stay out.
        .package(path: "../redis-cache-session-guide", traits: ["Hummingbird"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "my-app",
            dependencies: [
                .product(name: "LarderCache", package: "redis-cache-session-guide"),
                .product(name: "LarderSessions", package: "redis-cache-session-guide"),
                .product(name: "LarderWebCache", package: "redis-cache-session-guide"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ]
)
