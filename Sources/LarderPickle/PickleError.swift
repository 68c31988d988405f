/// What can go wrong reading or writing a pickle, with where it happened.
///
/// A decoding error names the opcode (its name and byte, e.g. `GLOBAL (0x63)`) and the byte
/// offset of that opcode in the input, so a hostile or damaged value can be found with
/// `python3 -m pickletools`. No input makes the reader run code, trap or take time beyond
/// linear in its size: everything it does not know is one of these errors.
///
/// A struct rather than an enum so that new codes can be added without breaking a caller's
/// `switch` (the shape of ``LarderRedis`` errors):
///
/// ```swift
/// do {
///     let value = try Pickle.decode(bytes)
/// } catch {
///     if error.code == .forbiddenGlobal { log("refused \(error.detail)") }
/// }
/// ```
public struct PickleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which problem a ``PickleError`` is. New codes may be added in any release: compare with
    /// `==`, and give a `switch` over codes a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        // Internal, not public: outside the module a code is only its static members, so one
        // can be added without breaking anyone.
        enum Base: String, Hashable, Sendable {
            case unsupportedProtocol, unknownOpcode, truncated, forbiddenGlobal, malformed, cycle
            case tooDeep, limitExceeded, badFrame, missingMemo, invalidValue, unencodable
        }

        let base: Base

        /// The pickle's protocol is not 2 to 5 (0 and 1 are Python 2's text formats), or the
        /// input does not start with `PROTO`.
        public static var unsupportedProtocol: Self { Self(base: .unsupportedProtocol) }
        /// An opcode this reader does not handle (persistent ids, out-of-band buffers, `INST`...).
        public static var unknownOpcode: Self { Self(base: .unknownOpcode) }
        /// The input ends inside an opcode or before `STOP`.
        public static var truncated: Self { Self(base: .truncated) }
        /// A `GLOBAL`/`STACK_GLOBAL` outside the allow-list (e.g. `os system`): never called.
        public static var forbiddenGlobal: Self { Self(base: .forbiddenGlobal) }
        /// Opcodes in an order CPython does not write: stack underflow, no `MARK`, `APPEND`
        /// to a non-list, `REDUCE` with unexpected arguments.
        public static var malformed: Self { Self(base: .malformed) }
        /// An object contains itself (`a = []; a.append(a)`): no Swift value can hold that.
        public static var cycle: Self { Self(base: .cycle) }
        /// Containers nest deeper than ``PickleLimits/maxDepth``.
        public static var tooDeep: Self { Self(base: .tooDeep) }
        /// A length, count or total beyond ``PickleLimits`` (``PickleError/detail`` names which).
        public static var limitExceeded: Self { Self(base: .limitExceeded) }
        /// A `FRAME` whose length is not where the next frame or the end starts.
        public static var badFrame: Self { Self(base: .badFrame) }
        /// `BINGET`/`LONG_BINGET` of an index nothing was stored at.
        public static var missingMemo: Self { Self(base: .missingMemo) }
        /// An allow-listed type with arguments out of range (a month 13, a string not UTF-8,
        /// a timezone with a name).
        public static var invalidValue: Self { Self(base: .invalidValue) }
        /// A value the writer cannot express (a datetime field out of range, a protocol not 2...5).
        public static var unencodable: Self { Self(base: .unencodable) }

        /// The code's name, e.g. `forbiddenGlobal`.
        public var description: String { base.rawValue }
    }

    /// Which problem this is.
    public let code: Code
    /// The byte offset in the input of the opcode that failed (nil for a writer error).
    public let offset: Int?
    /// The opcode byte that failed (nil for a writer error, or for the end of the input).
    public let opcode: UInt8?
    /// What exactly: the global refused, the limit passed, the length claimed...
    public let detail: String

    init(_ base: Code.Base, offset: Int?, opcode: UInt8?, _ detail: String) {
        self.code = Code(base: base)
        self.offset = offset
        self.opcode = opcode
        self.detail = detail
    }

    /// The opcode's name as `pickletools` prints it, e.g. `SHORT_BINUNICODE`, if the opcode is known.
    public var opcodeName: String? { opcode.map { PickleOpcode.name(of: $0) } }

    /// One sentence: `pickle: forbiddenGlobal at byte 2, GLOBAL (0x63): os system is not allow-listed`.
    public var description: String {
        var text = "pickle: \(code)"
        if let offset { text += " at byte \(offset)" }
        if let opcode { text += ", \(PickleOpcode.name(of: opcode)) (0x\(String(opcode, radix: 16, uppercase: false).leftPadded(2)))" }
        return text + ": " + detail
    }

    /// A writer error: `value` cannot be pickled, for `reason`.
    static func unencodable(_ reason: String) -> Self { Self(.unencodable, offset: nil, opcode: nil, reason) }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
