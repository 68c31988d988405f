import Foundation
import XCTest

/// What an app that depends on the library downloads: Package.swift gates every dependency that
/// only the Hummingbird integrations or only this tutorial need behind a trait, because SwiftPM
/// fetches every package a manifest names unless a trait condition prunes it (it does not look
/// at which products an app uses). Read from `swift package dump-package`, so the manifest is
/// checked as SwiftPM itself reads it.
final class PackageSplitTests: XCTestCase {
    /// Packages every user fetches (SwiftPM identities: lowercased): the client and the cache need no more
    /// (compress-nio: zlib for django-redis's compressor and Django's compressed sessions;
    /// swift-nio-ssl: TLS, `rediss://`, which a managed Redis needs of any client).
    static let core: Set<String> = ["swift-nio", "swift-log", "swift-service-lifecycle", "compress-nio", "swift-nio-ssl"]
    /// Packages only the Hummingbird integrations (page cache, sessions, keyspace browser) need.
    static let hummingbird: Set<String> = ["hummingbird", "swift-crypto", "grdb.swift"]
    /// Packages only the tutorial, its tests and its benchmarks need.
    static let guide: Set<String> = ["swift-argument-parser", "hummingbird-auth", "malloc-interposer"]
    /// The products an app without the `Hummingbird` trait can use.
    static let coreProducts: Set<String> = ["LarderRESP", "LarderRedis", "LarderZlib", "LarderCache", "LarderFastJSON"]

    /// One `.product(...)` dependency of a target, with the traits its condition names.
    struct ProductUse {
        var target: String
        var product: String
        var package: String
        var traits: Set<String>
    }

    struct Manifest {
        var packages: [String]
        var uses: [ProductUse]
        /// Each target's dependencies on other targets of this package.
        var targetDependencies: [String: [String]]
        /// Each product's targets.
        var products: [String: [String]]
        /// Each trait's enabled traits.
        var traits: [String: Set<String>]
    }

    /// `swift package dump-package` did not succeed.
    struct DumpFailed: Error, CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "`swift package dump-package` exited with \(status) (is `swift` on PATH?): \(output)" }
    }

    static func dumpManifest() throws -> Manifest {
        try parse(try dumpPackage())
    }

    /// What `swift package dump-package` prints for the package at `root` (this one by default).
    static func dumpPackage(at root: URL = Package.root) throws -> Data {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dump-package-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch path of its own: `swift test`, which runs this, holds the lock on .build.
        process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "dump-package"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DumpFailed(status: process.terminationStatus, output: errorText)
        }
        return data
    }

    static func parse(_ data: Data) throws -> Manifest {
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var packages: [String] = []
        for dependency in root["dependencies"] as? [[String: Any]] ?? [] {
            let kind = dependency.values.first as? [[String: Any]]
            if let identity = kind?.first?["identity"] as? String { packages.append(identity.lowercased()) }
        }
        var uses: [ProductUse] = []
        var targetDependencies: [String: [String]] = [:]
        for target in root["targets"] as? [[String: Any]] ?? [] {
            let name = try XCTUnwrap(target["name"] as? String)
            targetDependencies[name] = []
            for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                if let product = dependency["product"] as? [Any] {
                    let condition = product.count > 3 ? product[3] as? [String: Any] : nil
                    uses.append(ProductUse(
                        target: name, product: try XCTUnwrap(product[0] as? String), package: try XCTUnwrap(product[1] as? String).lowercased(),
                        traits: Set(condition?["traits"] as? [String] ?? [])))
                } else if let byName = (dependency["byName"] ?? dependency["target"]) as? [Any], let other = byName.first as? String {
                    targetDependencies[name, default: []].append(other)
                }
            }
        }
        var products: [String: [String]] = [:]
        for product in root["products"] as? [[String: Any]] ?? [] {
            if let name = product["name"] as? String { products[name] = product["targets"] as? [String] ?? [] }
        }
        var traits: [String: Set<String>] = [:]
        for trait in root["traits"] as? [[String: Any]] ?? [] {
            if let name = trait["name"] as? String { traits[name] = Set(trait["enabledTraits"] as? [String] ?? []) }
        }
        return Manifest(packages: packages, uses: uses, targetDependencies: targetDependencies, products: products, traits: traits)
    }

    /// `target` and every target of this package it depends on, directly or not.
    static func closure(of targets: [String], in manifest: Manifest) -> Set<String> {
        var seen: Set<String> = []
        var queue = targets
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            queue += manifest.targetDependencies[next] ?? []
        }
        return seen
    }

    func testEveryPackageIsCoreOrGatedByATrait() throws {
        let manifest = try Self.dumpManifest()
        let known = Self.core.union(Self.hummingbird).union(Self.guide)
        for package in manifest.packages {
            XCTAssertTrue(
                known.contains(package),
                "\(package) is a new dependency: put it in core (every user fetches it), or gate its uses behind the Hummingbird or Guide trait, and list it here")
        }
        XCTAssertFalse(manifest.uses.isEmpty, "no product dependencies read from the manifest: the dump's format changed?")
        for use in manifest.uses {
            if Self.hummingbird.contains(use.package) {
                XCTAssertFalse(
                    use.traits.isEmpty || !use.traits.isSubset(of: ["Hummingbird", "Guide"]),
                    "\(use.target) uses \(use.product) (\(use.package)) without the Hummingbird trait: every app would fetch it. Use hummingbirdOnly(...)")
            } else if Self.guide.contains(use.package) {
                XCTAssertEqual(
                    use.traits, ["Guide"],
                    "\(use.target) uses \(use.product) (\(use.package)) without the Guide trait: every app would fetch it. Use guideOnly(...)")
            } else {
                XCTAssertTrue(use.traits.isEmpty, "\(use.target) uses core package \(use.package) under a trait: core is unconditional")
            }
        }
    }

    func testTheClientAndTheCacheNeedNoTrait() throws {
        let manifest = try Self.dumpManifest()
        for product in Self.coreProducts {
            let targets = try XCTUnwrap(manifest.products[product], "no product \(product)")
            let reachable = Self.closure(of: targets, in: manifest)
            for use in manifest.uses where reachable.contains(use.target) {
                XCTAssertTrue(
                    Self.core.contains(use.package),
                    "product \(product) reaches \(use.target), which uses \(use.product) from \(use.package): an app with `traits: []` could not build it")
            }
        }
    }

    func testTheDefaultTraitsEnableTheWholeTutorial() throws {
        let manifest = try Self.dumpManifest()
        XCTAssertEqual(manifest.traits["default"], ["Guide"], "`swift run guide` and `swift test` rely on the default traits")
        XCTAssertEqual(manifest.traits["Guide"], ["Hummingbird"], "the tutorial runs the Hummingbird integrations")
        XCTAssertEqual(manifest.traits["Hummingbird"], [])
    }
}
