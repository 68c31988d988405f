import LarderRedis
import XCTest

/// `rediss://` URLs: redis-py's and Django's `ssl_` option names, what each sets, the URL
/// written back (round trip), and the mistakes (a TLS option on `redis://` or a Unix socket).
final class TLSConfigurationURLTests: XCTestCase {
    func testRedissIsTLSWithSafeDefaults() throws {
        let configuration = try RedisConfiguration(url: "rediss://app:s3cret@redis.example.com:6380/2")
        XCTAssertEqual(configuration.endpoint, .tcp(host: "redis.example.com", port: 6380))
        XCTAssertEqual(configuration.database, 2)
        XCTAssertEqual(configuration.username, "app")
        XCTAssertEqual(configuration.password, "s3cret")
        let tls = try XCTUnwrap(configuration.tls)
        XCTAssertNil(tls.caCertificateFile, "system trust roots by default")
        XCTAssertNil(tls.certificateFile)
        XCTAssertNil(tls.privateKeyFile)
        XCTAssertNil(tls.serverName, "the endpoint's host by default")
        XCTAssertEqual(tls.verification, .fullVerification)
    }

    func testRedisPyOptionNamesSetEachTLSSetting() throws {
        let configuration = try RedisConfiguration(
            url: "rediss://10.0.0.5:6380/1?ssl_ca_certs=/etc/redis/tls/ca.crt&ssl_certfile=/etc/app/client.crt"
                + "&ssl_keyfile=/etc/app/client.key&ssl_server_hostname=redis.internal&ssl_cert_reqs=required")
        XCTAssertEqual(
            configuration.tls,
            RedisTLSConfiguration(
                caCertificateFile: "/etc/redis/tls/ca.crt", certificateFile: "/etc/app/client.crt", privateKeyFile: "/etc/app/client.key",
                serverName: "redis.internal", verification: .fullVerification))
    }

    func testCertificateRequirementsAndHostnameCheckMapToVerification() throws {
        func verification(_ query: String) throws -> RedisTLSConfiguration.Verification? {
            try RedisConfiguration(url: "rediss://127.0.0.1:6380/0?\(query)").tls?.verification
        }
        XCTAssertEqual(try verification("ssl_cert_reqs=none"), RedisTLSConfiguration.Verification.none)
        XCTAssertEqual(try verification("ssl_cert_reqs=NONE&ssl_check_hostname=true"), RedisTLSConfiguration.Verification.none)
        // Python: CERT_OPTIONAL on a client verifies as CERT_REQUIRED does.
        XCTAssertEqual(try verification("ssl_cert_reqs=optional"), .fullVerification)
        XCTAssertEqual(try verification("ssl_cert_reqs=required"), .fullVerification)
        for no in ["false", "False", "0", "no", "n", "f"] {
            XCTAssertEqual(try verification("ssl_check_hostname=\(no)"), .noHostnameVerification, no)
        }
        XCTAssertEqual(try verification("ssl_check_hostname=true"), .fullVerification)
        XCTAssertEqual(try verification("ssl_check_hostname=false&ssl_cert_reqs=required"), .noHostnameVerification)
    }

    func testURLRoundTripsEveryTLSSetting() throws {
        let settings = [
            RedisTLSConfiguration(),
            RedisTLSConfiguration(caCertificateFile: "/etc/redis/tls/ca cert.pem"),
            RedisTLSConfiguration(
                caCertificateFile: "/a/ca.crt", certificateFile: "/a/c.crt", privateKeyFile: "/a/c.key", serverName: "redis.internal"),
            RedisTLSConfiguration(verification: .noHostnameVerification),
            RedisTLSConfiguration(caCertificateFile: "/a/ca.crt", verification: .none),
        ]
        for tls in settings {
            let configuration = RedisConfiguration(
                endpoint: .tcp(host: "10.0.0.5", port: 6380), database: 3, username: "guide-app", password: "p@ss/word?", tls: tls)
            let url = configuration.url(maskingPassword: false)
            XCTAssertTrue(url.hasPrefix("rediss://"), url)
            XCTAssertEqual(try RedisConfiguration(url: url), configuration, url)
        }
    }

    func testURLShowsTLSSettingsReadablyAndNeverThePassword() throws {
        let configuration = try RedisConfiguration(
            url: "rediss://guide-app:hunter2-sekrit@127.0.0.1:6380/1?ssl_ca_certs=/etc/redis/tls/ca.crt&ssl_check_hostname=false")
        let shown = [configuration.description, String(reflecting: configuration), "\(configuration)"]
        for text in shown {
            XCTAssertFalse(text.contains("hunter2"), text)
        }
        XCTAssertEqual(
            configuration.description,
            "rediss://guide-app:***@127.0.0.1:6380/1?ssl_ca_certs=/etc/redis/tls/ca.crt&ssl_check_hostname=false")
        var dumped = ""
        dump(configuration, to: &dumped)
        XCTAssertFalse(dumped.contains("hunter2"), dumped)
        XCTAssertTrue(dumped.contains("/etc/redis/tls/ca.crt"), dumped)
    }

    func testREDIS_URLReadsRediss() throws {
        let configuration = try RedisConfiguration.fromEnvironment(["REDIS_URL": "rediss://:pw@127.0.0.1:6380/0?ssl_ca_certs=/tmp/ca.crt"])
        XCTAssertEqual(configuration.tls?.caCertificateFile, "/tmp/ca.crt")
        XCTAssertEqual(configuration.password, "pw")
    }

    func testTLSOptionOnRedisURLSaysToWriteRediss() {
        let text = invalidConfigurationText(for: "redis://127.0.0.1:6379/0?ssl_ca_certs=/tmp/ca.crt")
        XCTAssertTrue(text.contains("'ssl_ca_certs' is a TLS option: write rediss://"), text)
    }

    func testTLSOptionOnUnixSocketSaysRedisServesTLSOnTCPOnly() {
        let text = invalidConfigurationText(for: "unix:///var/run/redis/redis.sock?ssl_cert_reqs=none")
        XCTAssertTrue(text.contains("TCP port (`tls-port`) only"), text)
    }

    func testInvalidCertificateRequirementIsNamed() {
        let text = invalidConfigurationText(for: "rediss://127.0.0.1:6380/0?ssl_cert_reqs=sometimes")
        XCTAssertTrue(text.contains("ssl_cert_reqs must be required, optional or none, not 'sometimes'"), text)
    }

    func testUnknownOptionListsTheTLSOnes() {
        let text = invalidConfigurationText(for: "rediss://127.0.0.1:6380/0?ssl_ca_cert=/tmp/ca.crt")
        XCTAssertTrue(text.contains("unknown option 'ssl_ca_cert'"), text)
        XCTAssertTrue(text.contains("ssl_ca_certs, ssl_certfile, ssl_keyfile, ssl_server_hostname, ssl_cert_reqs, ssl_check_hostname"), text)
    }

    private func invalidConfigurationText(for url: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let configuration = try RedisConfiguration(url: url)
            XCTFail("accepted \(url) as \(configuration)", file: file, line: line)
            return ""
        } catch {
            XCTAssertEqual(error.code, .invalidConfiguration, file: file, line: line)
            return error.detail ?? ""
        }
    }
}
