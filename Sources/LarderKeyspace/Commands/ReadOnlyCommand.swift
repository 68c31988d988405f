import LarderRedis
/// A command that only reads: the only kind a ``ReadOnlyConnection`` sends, so that the
/// inspector cannot write by construction (and a test checks it with `INFO commandstats`).
///
/// Conform a command here only if Redis documents it as read-only (its `COMMAND INFO` flags
/// include `readonly`, or it is a server command that changes no data, like `INFO`).
public protocol ReadOnlyCommand: RedisCommand {}

extension SCAN: ReadOnlyCommand {}
extension KEYS: ReadOnlyCommand {}
extension TYPE: ReadOnlyCommand {}
extension PTTL: ReadOnlyCommand {}
extension OBJECT_ENCODING: ReadOnlyCommand {}
extension MEMORY_USAGE: ReadOnlyCommand {}
extension DBSIZE: ReadOnlyCommand {}
extension INFO: ReadOnlyCommand {}
extension CONFIG_GET: ReadOnlyCommand {}
extension GET: ReadOnlyCommand {}
extension PING: ReadOnlyCommand {}
