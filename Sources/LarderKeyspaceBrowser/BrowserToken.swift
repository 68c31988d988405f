/// The secret that lets the reader's own browser in (as Jupyter's token does): drawn from the
/// system's CSPRNG when the browser starts, printed in the address the reader opens
/// (`http://127.0.0.1:8086/?token=...`), then kept by that browser in a cookie.
///
/// The page listens on the loopback address, which every user of the machine can reach; the
/// token is what keeps another local user from reading the sessions the page shows, which the
/// 770 socket would refuse them.
///
/// Not `Equatable`: compare with ``matches(_:)``, which takes the same time however much of a
/// guess is right.
public struct BrowserToken: Sendable {
    /// The token as it appears in the URL and the cookie: 64 lowercase hex digits.
    public let value: String

    /// Bytes of randomness in a token: 256 bits.
    static let byteCount = 32

    /// A new token from the system's CSPRNG (`SystemRandomNumberGenerator`: `getrandom(2)` on
    /// Linux).
    public static func random() -> BrowserToken {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(byteCount * 2)
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return BrowserToken(value: String(decoding: text, as: UTF8.self))
    }

    private init(value: String) { self.value = value }

    /// Whether `candidate` is this token, comparing every byte whatever the first difference,
    /// so the time an answer takes tells a guesser nothing about how much of a guess was right.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let expected = Array(value.utf8)
        let given = Array(candidate.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
