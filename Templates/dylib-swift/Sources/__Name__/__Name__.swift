import PlinthPluginSDK

/// The __name__ plugin: `GET /api/__name__/greet/:name` answers `hello <name> (visit N)`.
final class __Name__: PlinthPlugin {
    static let name = "__name__"
    static let version = "0.1.0"
    static let summary = "Scaffolded with plinth new plugin"

    init(host: PluginHost) throws {
        let table = "CREATE TABLE __name___visits (name TEXT NOT NULL)"
        host.migration("001_visits", sqlite: table, postgres: table)
        // summary, policy, requestSchema and responses are what /openapi.json says about it.
        host.route("GET", "greet/:name", summary: "Greets a name and counts its visits", responses: #"{"200": null}"#, operationID: "__name__.greet") { request in
            let name = request.parameters["name"] ?? ""
            try request.call.query("INSERT INTO __name___visits (name) VALUES ($1)", [.text(name)])
            let rows = try request.call.query("SELECT COUNT(*) AS visits FROM __name___visits WHERE name = $1", [.text(name)])
            return PluginResponse(text: "hello \(name) (visit \((rows.first?["visits"] ?? nil) ?? "0"))")
        }
        host.onBoot { call in call.log("__name__ booted") }
    }
}

@_cdecl("plinth_plugin_descriptor_v1")
public func descriptor() -> UnsafePointer<plinth_plugin_descriptor> {
    PluginExport.descriptor(for: __Name__.self)
}
