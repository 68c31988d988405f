import Foundation
import XCTest

/// The app manifest chapters/your-own-app.md shows (`chapters/your-own-app/Package.swift`, which
/// the page's block is, by ShownBlockKindTests) is one SwiftPM reads, and what it asks of this
/// package exists: its trait, its products, and the Hummingbird this package builds with.
final class YourAppManifestTests: XCTestCase {
    static let manifest = "chapters/your-own-app/Package.swift"

    func testTheAppManifestAsksOnlyForWhatThisPackageOffers() throws {
        // A folder of its own, as a reader's my-app is.
        let app = FileManager.default.temporaryDirectory.appendingPathComponent("my-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: app) }
        try FileManager.default.copyItem(at: Package.root.appendingPathComponent(Self.manifest), to: app.appendingPathComponent("Package.swift"))
        let dumped = try PackageSplitTests.dumpPackage(at: app)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: dumped) as? [String: Any])
        let ours = try PackageSplitTests.dumpManifest()
        let ourRoot = try XCTUnwrap(JSONSerialization.jsonObject(with: try PackageSplitTests.dumpPackage()) as? [String: Any])

        // The dependency on this package, by path, and the traits it enables.
        let dependencies = root["dependencies"] as? [[String: Any]] ?? []
        let guide = try XCTUnwrap(
            dependencies.compactMap { ($0["fileSystem"] as? [[String: Any]])?.first }.first { $0["identity"] as? String == "redis-cache-session-guide" },
            "\(Self.manifest) has no path dependency named redis-cache-session-guide, the folder the page says to clone into")
        let traits = (guide["traits"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertFalse(traits.isEmpty, "\(Self.manifest) enables no trait of this package")
        for trait in traits {
            XCTAssertNotNil(ours.traits[trait], "\(Self.manifest) enables trait '\(trait)', which Package.swift does not declare")
        }

        // Each product it uses of this package is one Package.swift offers.
        let uses = try PackageSplitTests.parse(dumped).uses
        let fromGuide = uses.filter { $0.package == "redis-cache-session-guide" }
        XCTAssertFalse(fromGuide.isEmpty, "\(Self.manifest) uses no product of this package")
        for use in fromGuide {
            XCTAssertNotNil(ours.products[use.product], "\(Self.manifest) uses product \(use.product), which Package.swift does not offer")
        }

        // Hummingbird from the version this package requires, so the app resolves with it.
        func hummingbirdLowerBound(_ root: [String: Any]) -> String? {
            for dependency in root["dependencies"] as? [[String: Any]] ?? [] {
                guard let remote = (dependency["sourceControl"] as? [[String: Any]])?.first, remote["identity"] as? String == "hummingbird",
                      let range = (remote["requirement"] as? [String: Any])?["range"] as? [[String: Any]]
                else { continue }
                return range.first?["lowerBound"] as? String
            }
            return nil
        }
        let appVersion = try XCTUnwrap(hummingbirdLowerBound(root), "\(Self.manifest) does not depend on hummingbird with `from:`")
        XCTAssertEqual(appVersion, hummingbirdLowerBound(ourRoot), "\(Self.manifest) asks for Hummingbird from \(appVersion); Package.swift requires another")
    }
}
