import Foundation
import RedisTestSupport

/// Django's `signing.dumps(obj, salt="django.contrib.sessions.SessionStore", compress=True)`
/// and `signing.loads(...)` (`SessionBase.encode`/`decode`) reimplemented with Python's standard
/// library alone (json, zlib, hmac, hashlib, base64), following django/core/signing.py: an
/// implementation independent of this library's to check its bytes against, in both directions.
enum DjangoSigning {
    /// The functions, then one command from `sys.argv[1]` over the lines of standard input.
    static let script = #"""
import base64, datetime, hashlib, hmac, json, sys, zlib
SALT = "django.contrib.sessions.SessionStore"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b64_encode(s): return base64.urlsafe_b64encode(s).strip(b"=")
def b64_decode(s): return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))
def b62_encode(s):
    if s == 0: return "0"
    sign = "-" if s < 0 else ""
    s = abs(s); encoded = ""
    while s > 0:
        s, remainder = divmod(s, 62); encoded = ALPHABET[remainder] + encoded
    return sign + encoded
def signature(value, secret):
    # salted_hmac(SALT + "signer", value, secret, algorithm="sha256"), base64url.
    key = hashlib.sha256((SALT + "signer" + secret).encode()).digest()
    return b64_encode(hmac.new(key, value.encode(), hashlib.sha256).digest()).decode()
def dumps_bytes(data, secret, timestamp, compress=True):
    is_compressed = False
    if compress:
        compressed = zlib.compress(data)
        if len(compressed) < (len(data) - 1):
            data = compressed; is_compressed = True
    base64d = b64_encode(data).decode()
    if is_compressed: base64d = "." + base64d
    value = base64d + ":" + b62_encode(timestamp)
    return value + ":" + signature(value, secret)
def dumps(obj, secret, timestamp):
    # JSONSerializer: json.dumps(obj, separators=(",", ":")).encode("latin-1")
    return dumps_bytes(json.dumps(obj, separators=(",", ":")).encode("latin-1"), secret, timestamp)
def loads(s, secrets):
    value, sig = s.rsplit(":", 1)
    if not any(hmac.compare_digest(sig, signature(value, key)) for key in secrets):
        return "BadSignature"
    value, timestamp = value.rsplit(":", 1)
    base64d = value.encode()
    decompress = base64d[:1] == b"."
    if decompress: base64d = base64d[1:]
    data = b64_decode(base64d)
    if decompress: data = zlib.decompress(data)
    return json.dumps(json.loads(data), separators=(",", ":"))
command = sys.argv[1]
if command == "dumps":
    secret, timestamp = sys.argv[2], int(sys.argv[3])
    for line in sys.stdin.read().splitlines():
        print(dumps(json.loads(line), secret, timestamp))
elif command == "loads":
    secrets = sys.argv[2:]
    for line in sys.stdin.read().splitlines():
        print(loads(line, secrets))
elif command == "expiry":
    # request.session.set_expiry(timedelta(hours=1)); request.session["count"] = 1
    expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat()
    print(dumps({"_session_expiry": expiry, "count": 1}, sys.argv[2], int(datetime.datetime.now().timestamp())))
    print(expiry)
elif command == "bomb":
    # A validly signed payload that inflates to int(argv[3]) bytes.
    data = b'{"a":"' + b" " * int(sys.argv[3]) + b'"}'
    print(dumps_bytes(data, sys.argv[2], 1764168000))
"""#

    static func run(_ arguments: [String], lines: [String] = []) throws -> [String] {
        let output = try Python3.run(script, input: Data(lines.joined(separator: "\n").utf8), arguments: arguments)
        return String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Each JSON object in `jsons` signed with `secret` at `timestamp`, as Django signs a session.
    static func dumps(_ jsons: [String], secret: String, timestamp: Int) throws -> [String] {
        try run(["dumps", secret, "\(timestamp)"], lines: jsons)
    }

    /// Each signed value in `values` read with `secrets` (the current one first), as compact
    /// JSON, or `BadSignature`.
    static func loads(_ values: [String], secrets: [String]) throws -> [String] {
        try run(["loads"] + secrets, lines: values)
    }

    /// `{"_session_expiry": <now + 1 h, isoformat>, "count": 1}` signed now; the expiry as a
    /// date and as Python's text.
    static func dumpsWithExpiryInAnHour(secret: String) throws -> (value: String, expiry: Date, expiryText: String) {
        let lines = try run(["expiry", secret])
        let text = lines[1]
        // 2026-12-07T10:00:00.123456+00:00: seconds and microseconds read apart, exactly.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let whole = String(text.prefix(19)) + "Z"
        let base = formatter.date(from: whole) ?? Date.distantPast
        let micros = text.dropFirst(19).first == "." ? (Double(text.dropFirst(20).prefix(6)) ?? 0) : 0
        return (lines[0], base.addingTimeInterval(micros / 1_000_000), text)
    }

    /// A value signed with `secret` whose compressed payload inflates to `size` bytes.
    static func bomb(secret: String, size: Int) throws -> String {
        try run(["bomb", secret, "\(size)"])[0]
    }
}
