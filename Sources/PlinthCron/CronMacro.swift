/// The `@name` shorthands and the five-field expressions they stand for.
enum CronMacro {
    /// The five-field expansion of `text` (case-insensitive), or `nil` if it is not a macro.
    static func expansion(of text: String) -> String? {
        expansions[text.lowercased()]
    }

    static let names = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"

    private static let expansions: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]
}
