/// A configuration never shows its password, however it is printed: `description` (in
/// RedisConfiguration.swift) is its URL with the password written `***`; `String(reflecting:)`,
/// `dump` and a debugger's mirror show the same.
extension RedisConfiguration: CustomDebugStringConvertible, CustomReflectable {
    /// The configuration as a URL with the password masked, as ``description``.
    public var debugDescription: String { description }

    /// Every setting, the password written `***`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "endpoint": endpoint, "database": database, "username": username as Any,
                "password": password.map { _ in "***" } as Any, "clientName": clientName as Any,
                "preferRESP3": preferRESP3, "connectTimeout": connectTimeout, "commandTimeout": commandTimeout,
                "limits": limits, "tls": tls as Any,
            ],
            displayStyle: .struct)
    }
}
