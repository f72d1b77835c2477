/// Whose secret a sealed value is: the plugin, the table and the row it is stored in. It is the
/// associated data of the seal, so a value copied to another row, table or plugin does not open.
public struct SecretOwner: Sendable, Hashable, CustomStringConvertible {
    public let plugin: String
    public let table: String
    public let row: String

    public init(plugin: String, table: String, row: String) {
        self.plugin = plugin
        self.table = table
        self.row = row
    }

    public var description: String { "\(plugin)/\(table)/\(row)" }

    // NUL cannot occur in identifiers, so no two owners give the same bytes.
    func associatedData(keyID: String) -> [UInt8] {
        Array("plinth.secret.v1\u{0}\(keyID)\u{0}\(plugin)\u{0}\(table)\u{0}\(row)".utf8)
    }
}
