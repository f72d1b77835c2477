import PlinthPluginSDK

/// An example shared-object plugin in Swift, built with the SDK (no kernel linked):
/// `swift build --product PlinthGreeterSwift`, then copy `.build/debug/libPlinthGreeterSwift.so`
/// into the plugin directory.
///
/// `GET /api/greeter_swift/greet/:name` answers `hello <name> (visit N)`; `greeter_swift.greeted`
/// events go on the bus; a boot hook records each start.
final class Greeter: PlinthPlugin {
    static let name = "greeter_swift"
    static let version = "1.0.0"
    static let summary = "Greets by name and counts visits (Swift SDK example)"

    let salutation: String

    init(host: PluginHost) throws {
        salutation = host.config("SALUTATION") ?? "hello" // PLINTH_GREETER_SWIFT_SALUTATION
        let tables = "CREATE TABLE greeter_swift_visits (name TEXT NOT NULL); CREATE TABLE greeter_swift_boots (booted_at TEXT NOT NULL)"
        host.migration("001_tables", sqlite: tables, postgres: tables)
        let salutation = self.salutation
        host.route("GET", "greet/:name", summary: "Greets a name and counts its visits", responses: #"{"200": null}"#) { request in
            let name = request.parameters["name"] ?? ""
            try request.call.query("INSERT INTO greeter_swift_visits (name) VALUES ($1)", [.text(name)])
            let rows = try request.call.query("SELECT COUNT(*) AS visits FROM greeter_swift_visits WHERE name = $1", [.text(name)])
            let visits = (rows.first?["visits"] ?? nil) ?? "0"
            try request.call.emit("greeter_swift.greeted", json: #"{"visits":\#(visits)}"#)
            return PluginResponse(text: "\(salutation) \(name) (visit \(visits))")
        }
        host.onBoot { call in
            call.log("greeter_swift is ready")
            try call.query("INSERT INTO greeter_swift_boots (booted_at) VALUES (CURRENT_TIMESTAMP)")
        }
    }
}

@_cdecl("plinth_plugin_descriptor_v1")
public func descriptor() -> UnsafePointer<plinth_plugin_descriptor> {
    PluginExport.descriptor(for: Greeter.self)
}
