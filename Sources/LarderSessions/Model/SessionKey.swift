/// Session keys as Django makes and checks them (`SessionBase._get_new_session_key`,
/// `_validate_session_key`).
///
/// A new key is 32 characters from `[a-z0-9]`, drawn from the system's CSPRNG
/// (`SystemRandomNumberGenerator`: `getrandom(2)` on Linux). A key a client sends is only
/// looked up when it could be one: 8 to 40 characters of the same alphabet (Django's
/// `_validate_session_key` asks for at least 8; 40 is the width of `django_session.session_key`).
public enum SessionKey {
    /// Django's `VALID_KEY_CHARS`: `a-z` and `0-9`.
    public static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// The length of a new key.
    public static let length = 32

    /// A new random key: 32 characters of ``alphabet``.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A new key drawn from `generator` (tests pass a seeded one; the app uses the CSPRNG).
    /// Each character is uniform over the alphabet: `random(in:)` rejects the biased tail.
    public static func generate<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            for index in 0..<length {
                buffer[index] = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }
            return length
        }
    }

    /// Whether `text` may be a session key: 8 to 40 characters of ``alphabet``. Anything
    /// else is treated as no key at all, never looked up.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        let bytes = text.utf8
        guard (8...40).contains(bytes.count) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }
}
