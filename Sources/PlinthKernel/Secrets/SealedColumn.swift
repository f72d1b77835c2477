/// A column of a plugin's own table that holds sealed values, one per row, with a TEXT key
/// column naming the row. Declared with ``SecretStore/declare(_:)`` so that
/// `plinth secrets reseal` moves its values onto the current key.
public struct SealedColumn: Sendable, Hashable {
    public let plugin: String
    public let table: String
    /// The TEXT column that names the row; its value is the ``SecretOwner/row``.
    public let key: String
    /// The TEXT column that holds the sealed value.
    public let value: String

    public init(plugin: String, table: String, key: String, value: String) {
        self.plugin = plugin
        self.table = table
        self.key = key
        self.value = value
    }

    /// The owner of the value in row `row`.
    public func owner(_ row: String) -> SecretOwner { SecretOwner(plugin: plugin, table: table, row: row) }
}
