/// Messages of JavaScript's built-in errors that nodes surface in `error` edges, worded as
/// V8/JavaScriptCore word them where a workflow could match on them.
enum ScriptErrors {
    /// `JSON.parse` of text that is not JSON (Bun's wording).
    static func jsonParse(_ text: String) -> String {
        text.isEmpty ? "Unexpected end of JSON input" : "JSON Parse error: Unexpected identifier \"\(text.prefix(20))\""
    }
}
