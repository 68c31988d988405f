import HTTPTypes
import LarderWebCache
import RedisTestSupport
import XCTest

/// The page-cache keys this library makes are the ones Django's `learn_cache_key` makes for
/// the same request, with Django's defaults (`USE_I18N = True`, `LANGUAGE_CODE = "en-us"`,
/// `USE_TZ = True`, `TIME_ZONE = "UTC"`) and with i18n off. The Django here is 5.2 LTS, whose
/// vary values are ``PageCacheKeys/VaryValueFormat/concatenated``; the default, netstrings, is
/// Django 6.1's (which needs Python 3.12, newer than Debian 12's), and differs exactly where a
/// varied-on header is present.
final class PageKeyInteropTests: XCTestCase {
    struct Case {
        let url: String
        let method: String
        let vary: String?
        let headers: [String: String]
    }

    static let cases = [
        Case(url: "http://127.0.0.1:8000/", method: "GET", vary: nil, headers: [:]),
        Case(url: "http://127.0.0.1:8000/", method: "HEAD", vary: nil, headers: [:]),
        Case(url: "http://example.com:8101/articles/?page=2", method: "GET", vary: "Cookie", headers: ["Cookie": "who=alice"]),
        Case(url: "http://example.com/a", method: "GET", vary: "Cookie, Accept-Encoding", headers: ["Accept-Encoding": "gzip"]),
        Case(url: "https://example.com/b", method: "GET", vary: "Accept-Language, Cookie", headers: ["Accept-Language": "fr", "Cookie": "a=1"]),
    ]

    func testPageKeysMatchDjangosWithI18nOnAndOff() throws {
        for i18n in [true, false] {
            let django = try DjangoSide(environment: .djangoRedis, arguments: ["--location", "unix:///unused.sock", "--i18n", i18n ? "on" : "off"])
            let keys = PageCacheKeys(language: i18n ? "en-us" : nil, varyValues: .concatenated)
            let django61 = PageCacheKeys(language: i18n ? "en-us" : nil)
            for item in Self.cases {
                var request: [String: any Sendable] = ["url": item.url, "method": item.method, "headers": item.headers]
                if let vary = item.vary { request["vary"] = vary }
                let reply = try django.run("page-keys", request)
                var fields = HTTPFields()
                for (name, value) in item.headers { fields[HTTPField.Name(name)!] = value }
                let headerList = keys.headerList(vary: item.vary.map { [$0] } ?? [])
                XCTAssertEqual(keys.headerKey(url: item.url), reply["header_key"] as? String, "\(item.url) i18n \(i18n)")
                XCTAssertEqual(
                    keys.pageKey(method: item.method, url: item.url, headerList: headerList, request: fields),
                    reply["page_key"] as? String, "\(item.method) \(item.url) vary \(item.vary ?? "-") i18n \(i18n)")
                let sendsAVariedHeader = headerList.contains { name in item.headers.keys.contains { "HTTP_" + $0.uppercased().replacing("-", with: "_") == name } }
                XCTAssertEqual(
                    django61.pageKey(method: item.method, url: item.url, headerList: headerList, request: fields) == reply["page_key"] as? String,
                    !sendsAVariedHeader, "netstrings differ from Django 5.2 exactly when a varied-on header is sent: \(item.url)")
            }
        }
    }
}
