/// The keys the encoder and decoder make up themselves: array indices in a coding path, and
/// `super` for `superEncoder()`/`superDecoder()`. An index key is made for every element, so
/// its name is only built when asked for (in an error).
struct FastJSONCodingKey: CodingKey {
    private let name: String?
    let intValue: Int?

    var stringValue: String { name ?? "Index \(intValue ?? 0)" }

    init(stringValue: String) {
        self.name = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.name = nil
        self.intValue = intValue
    }

    static let `super` = FastJSONCodingKey(stringValue: "super")
}
