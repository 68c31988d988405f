import Crypto
import HTTPTypes
import Hummingbird

/// Django's page-cache key names (`django.utils.cache`), so a reader finds in `redis-cli` the
/// keys Django writes. With the cache's `:1:` in front:
///
/// - header key: `views.decorators.cache.cache_header.<prefix>.<md5(url)>.<tz>`, holding the
///   request headers the page varies on, as Django's `META` names (`["HTTP_COOKIE"]`);
/// - page key: `views.decorators.cache.cache_page.<prefix>.<METHOD>.<md5(url)>.<md5(vary values)>.<lang>.<tz>`,
///   the vary values being netstrings (`len:value,`, `-,` for an absent header) in list order
///   (Django 6.1; Django 5.2 writes a present value as it is: ``VaryValueFormat/concatenated``).
///
/// Both end with the language when i18n is on (`.en-us`, Django's default `USE_I18N = True`
/// with `LANGUAGE_CODE = "en-us"`) and the time zone when time zones are on (`.UTC`). A site
/// that negotiates the language per request (Django's `LocaleMiddleware`) has one key per
/// language; this type takes one fixed language, so such a site's other-language pages are
/// misses here.
public struct PageCacheKeys: Sendable, Hashable {
    /// Django's `CACHE_MIDDLEWARE_KEY_PREFIX` (default `""`, hence the `..` in key names).
    public var keyPrefix: String
    /// Appended as `.<language>` when i18n is on (Django's `USE_I18N`); `nil` when off.
    public var language: String?
    /// Appended as `.<zone>` when time zones are on (Django's `USE_TZ`, default `UTC`); `nil` when off.
    public var timeZone: String?
    /// How the values of the headers a page varies on are hashed; Django changed it.
    public var varyValues: VaryValueFormat

    /// How the request header values named by `Vary` go into the page key's second MD5.
    public struct VaryValueFormat: Sendable, Hashable, CustomStringConvertible {
        /// Whether a present value is written as a netstring (`len:value,`) or as it is.
        let netstrings: Bool
        /// Django 6.1: each present value as a netstring (`9:who=alice,`), an absent one as `-,`.
        public static let netstrings = VaryValueFormat(netstrings: true)
        /// Django 5.2 LTS (5.2.20): each present value as it is (`who=alice`), an absent one as
        /// `-,`. Keys of pages that vary on a header the request sends differ from Django
        /// 6.1's.
        public static let concatenated = VaryValueFormat(netstrings: false)
        public var description: String { netstrings ? "netstrings" : "concatenated" }
    }

    /// Django's defaults: no prefix, i18n on in `en-us`, time zone `UTC`
    /// (`….<md5>.en-us.UTC`). Pass `language: nil` for a site with `USE_I18N = False`.
    /// `varyValues` is Django 6.1's format; ``VaryValueFormat/concatenated`` matches Django 5.2.
    public init(keyPrefix: String = "", language: String? = "en-us", timeZone: String? = "UTC", varyValues: VaryValueFormat = .netstrings) {
        self.keyPrefix = keyPrefix
        self.language = language
        self.timeZone = timeZone
        self.varyValues = varyValues
    }

    /// An absolute URL and its MD5, computed once per request for both keys.
    public struct URLHash: Sendable, Hashable {
        /// `scheme://host/path?query`.
        public let url: String
        /// Its MD5 in hex.
        public let md5: String

        /// The hash of `url`.
        public init(_ url: String) {
            self.url = url
            self.md5 = PageCacheKeys.md5Hex(url.utf8)
        }

        /// The hash of a request's absolute URL.
        public init(_ request: Request) {
            self.init(PageCacheKeys.absoluteURL(of: request))
        }
    }

    /// The header-list key of a page.
    public func headerKey(url: String) -> String {
        headerKey(url: URLHash(url))
    }

    /// The header-list key of a page whose URL is hashed already.
    public func headerKey(url: URLHash) -> String {
        suffixed("views.decorators.cache.cache_header.\(keyPrefix).\(url.md5)")
    }

    /// The key of one variant of a page: `method`, the URL, and the values of the request
    /// headers named in `headerList`.
    public func pageKey(method: String, url: String, headerList: [String], request: HTTPFields) -> String {
        pageKey(method: method, url: URLHash(url), headerList: headerList, request: request)
    }

    /// The key of one variant of a page whose URL is hashed already.
    public func pageKey(method: String, url: URLHash, headerList: [String], request: HTTPFields) -> String {
        var varyValues: [UInt8] = []
        for metaName in headerList {
            if let value = Self.value(ofMetaName: metaName, in: request) {
                if self.varyValues.netstrings {
                    varyValues.append(contentsOf: "\(value.utf8.count):".utf8)
                    varyValues.append(contentsOf: value.utf8)
                    varyValues.append(UInt8(ascii: ","))
                } else {
                    varyValues.append(contentsOf: value.utf8)
                }
            } else {
                varyValues.append(contentsOf: "-,".utf8)
            }
        }
        return suffixed(
            "views.decorators.cache.cache_page.\(keyPrefix).\(method).\(url.md5).\(Self.md5Hex(varyValues))")
    }

    /// Django's absolute URI of a request: `scheme://host/path?query`, non-ASCII bytes
    /// percent-encoded (`iri_to_uri`). Hummingbird gives the path and query as received.
    public static func absoluteURL(of request: Request) -> String {
        let scheme = request.head.scheme ?? "http"
        let host = request.head.authority ?? ""
        return "\(scheme)://\(host)\(percentEncodingNonASCII(request.uri.description))"
    }

    /// The sorted `META` names (`HTTP_COOKIE`) of the headers named by a response's `Vary`,
    /// as Django's `learn_cache_key` stores them. `Accept-Language` is left out when the
    /// language is already in the key (i18n on), as Django does.
    public func headerList(vary: [String]) -> [String] {
        var names: [String] = []
        for value in vary {
            for part in value.split(separator: ",") {
                let header = part.trimmingSpaces().uppercased().replacing("-", with: "_")
                guard !header.isEmpty else { continue }
                if header == "ACCEPT_LANGUAGE", language != nil { continue }
                names.append("HTTP_" + header)
            }
        }
        return names.sorted()
    }

    // MARK: Helpers

    private func suffixed(_ key: String) -> String {
        var key = key
        if let language { key += ".\(language)" }
        if let timeZone { key += ".\(timeZone)" }
        return key
    }

    /// A request header's value by its `META` name (`HTTP_COOKIE` → `Cookie`); repeated
    /// fields are joined as a WSGI server joins them.
    static func value(ofMetaName metaName: String, in fields: HTTPFields) -> String? {
        let bare = metaName.hasPrefix("HTTP_") ? String(metaName.dropFirst(5)) : metaName
        guard let name = HTTPField.Name(bare.replacing("_", with: "-").lowercased()) else { return nil }
        let values = fields[values: name]
        guard !values.isEmpty else { return nil }
        return values.joined(separator: name == .cookie ? "; " : ",")
    }

    static func md5Hex(_ bytes: some Sequence<UInt8>) -> String {
        let digest = Insecure.MD5.hash(data: Array(bytes))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(32)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func percentEncodingNonASCII(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte < 0x80 {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
