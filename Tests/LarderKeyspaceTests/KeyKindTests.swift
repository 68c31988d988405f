import LarderKeyspace
import XCTest

/// Each key format of chapters 03–05 is told apart by name (`KeyKind`).
final class KeyKindTests: XCTestCase {
    static let url = "c4aed54dc627f58462c271921e35da18"  // md5 of http://127.0.0.1:8101/
    static let noVary = "d41d8cd98f00b204e9800998ecf8427e"  // md5 of ""
    static let session = "abcdefghijklmnopqrstuvwxyz012345"

    func testPageCacheHeaderKeyWithDjangosEmptyPrefix() throws {
        let kind = KeyKind(key: ":1:views.decorators.cache.cache_header..\(Self.url).UTC", database: 1)
        guard case .pageHeader(let page) = kind else { return XCTFail("\(kind)") }
        XCTAssertEqual(page.middlewarePrefix, "")
        XCTAssertEqual(page.urlHash, Self.url)
        XCTAssertEqual(page.suffix, "UTC")
        XCTAssertNil(page.method)
        XCTAssertEqual(page.cacheKey.version, 1)
    }

    func testPageKeyPairsWithItsHeaderKey() throws {
        let header = KeyKind(key: ":1:views.decorators.cache.cache_header..\(Self.url).UTC", database: 1)
        let page = KeyKind(key: ":1:views.decorators.cache.cache_page..GET.\(Self.url).\(Self.noVary).UTC", database: 1)
        guard case .pageHeader(let headerKey) = header, case .page(let pageKey) = page else { return XCTFail("\(header) \(page)") }
        XCTAssertEqual(pageKey.method, "GET")
        XCTAssertEqual(pageKey.varyHash, Self.noVary)
        XCTAssertEqual(pageKey.pairing, headerKey.pairing)
    }

    func testPageKeysWithADottedPrefixALanguageOrNoTimeZone() throws {
        let dotted = KeyKind(key: ":1:views.decorators.cache.cache_page.site.v2.HEAD.\(Self.url).\(Self.noVary).en-us.UTC", database: 1)
        guard case .page(let page) = dotted else { return XCTFail("\(dotted)") }
        XCTAssertEqual(page.middlewarePrefix, "site.v2")
        XCTAssertEqual(page.method, "HEAD")
        XCTAssertEqual(page.suffix, "en-us.UTC")
        let bare = KeyKind(key: ":1:views.decorators.cache.cache_header.site.\(Self.url)", database: 1)
        guard case .pageHeader(let header) = bare else { return XCTFail("\(bare)") }
        XCTAssertEqual(header.suffix, "")
        XCTAssertEqual(header.middlewarePrefix, "site")
    }

    func testAPageKeyWithoutItsHashesIsAnOrdinaryCacheKey() {
        let kind = KeyKind(key: ":1:views.decorators.cache.cache_page..GET.not-a-hash.UTC", database: 1)
        guard case .cacheEntry(let key) = kind else { return XCTFail("\(kind)") }
        XCTAssertEqual(key.key, "views.decorators.cache.cache_page..GET.not-a-hash.UTC")
    }

    func testCacheAPIKeysCarryTheirVersionAndPrefix() {
        XCTAssertEqual(KeyKind(key: ":1:craig", database: 1), .cacheEntry(CacheKey(":1:craig")!))
        guard case .cacheEntry(let versioned) = KeyKind(key: "site:12:a:b", database: 1) else { return XCTFail() }
        XCTAssertEqual(versioned.prefix, "site")
        XCTAssertEqual(versioned.version, 12)
        XCTAssertEqual(versioned.key, "a:b", "the key itself may hold colons")
        XCTAssertNil(CacheKey(":x:craig"))
        XCTAssertNil(CacheKey("::craig"))
        XCTAssertNil(CacheKey("craig"))
    }

    func testSessionKeysOfEachEngine() {
        XCTAssertEqual(KeyKind(key: ":1:django.contrib.sessions.cache\(Self.session)", database: 1), .session(.cache, sessionKey: Self.session))
        XCTAssertEqual(
            KeyKind(key: ":1:django.contrib.sessions.cached_db\(Self.session)", database: 1), .session(.cachedDB, sessionKey: Self.session),
            "cached_db must not be read as the cache engine with a key starting d_db")
        XCTAssertEqual(KeyKind(key: Self.session, database: 0), .session(.redisStore, sessionKey: Self.session))
    }

    func testWhatOnlyLooksLikeASessionIsNot() {
        XCTAssertEqual(KeyKind(key: Self.session, database: 1), .other, "the standalone store lives in DB 0")
        XCTAssertEqual(KeyKind(key: "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", database: 0), .other, "session keys are lower case")
        XCTAssertEqual(KeyKind(key: String(Self.session.dropLast()), database: 0), .other, "31 characters")
        guard case .cacheEntry = KeyKind(key: ":1:django.contrib.sessions.cacheshort", database: 1) else { return XCTFail() }
    }

    func testEverythingElseIsOther() {
        XCTAssertEqual(KeyKind(key: "<script>alert(1)</script>", database: 1), .other)
        XCTAssertEqual(KeyKind(key: "user:42", database: 0), .other)
        XCTAssertEqual(KeyKind(key: "", database: 0), .other)
    }
}
