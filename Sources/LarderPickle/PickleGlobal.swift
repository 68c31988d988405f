/// The classes and functions a pickle may name: the allow-list. Anything else a `GLOBAL` or
/// `STACK_GLOBAL` names (`os system`, `builtins eval`, `copyreg _reconstructor`...) is refused
/// with ``PickleError/Code/forbiddenGlobal`` before anything could call it; and these are never
/// "called" either: each is a recipe for building one ``PickleValue``.
enum PickleGlobal: Hashable, Sendable {
    case datetime, date, time, timedelta, timezone
    case decimal, uuid
    case set, frozenset, bytearray, bytes
    /// `_codecs.encode(str, 'latin1')`: protocol 2's way of writing bytes.
    case codecsEncode

    /// The global `module.name`, if allow-listed. Protocol 2 writes `__builtin__`, 3 and later `builtins`.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("datetime", "datetime"): self = .datetime
        case ("datetime", "date"): self = .date
        case ("datetime", "time"): self = .time
        case ("datetime", "timedelta"): self = .timedelta
        case ("datetime", "timezone"): self = .timezone
        case ("decimal", "Decimal"): self = .decimal
        case ("uuid", "UUID"): self = .uuid
        case ("builtins", "set"), ("__builtin__", "set"): self = .set
        case ("builtins", "frozenset"), ("__builtin__", "frozenset"): self = .frozenset
        case ("builtins", "bytearray"), ("__builtin__", "bytearray"): self = .bytearray
        case ("builtins", "bytes"), ("__builtin__", "bytes"): self = .bytes
        case ("_codecs", "encode"): self = .codecsEncode
        default: return nil
        }
    }

    /// The module and name the writer uses at `protocol`.
    func qualifiedName(protocol version: Int) -> (module: String, name: String) {
        let builtins = version >= 3 ? "builtins" : "__builtin__"
        switch self {
        case .datetime: return ("datetime", "datetime")
        case .date: return ("datetime", "date")
        case .time: return ("datetime", "time")
        case .timedelta: return ("datetime", "timedelta")
        case .timezone: return ("datetime", "timezone")
        case .decimal: return ("decimal", "Decimal")
        case .uuid: return ("uuid", "UUID")
        case .set: return (builtins, "set")
        case .frozenset: return (builtins, "frozenset")
        case .bytearray: return (builtins, "bytearray")
        case .bytes: return (builtins, "bytes")
        case .codecsEncode: return ("_codecs", "encode")
        }
    }
}
