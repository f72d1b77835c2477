import ArgumentParser
import Foundation
import PlinthKernel

/// `plinth new`: scaffolding.
struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new plugin from a template.", subcommands: [NewPlugin.self])
}

/// `plinth new plugin NAME --template swift|dylib-swift|dylib-c [--output DIR]`.
///
/// Templates live in `Templates/<template>/`; file names and contents have `__name__` (the id),
/// `__Name__` (its type name), `__NAME__` (its settings prefix) and `__PLINTH__` (this checkout)
/// replaced. A `swift` plugin goes to `Plugins/<Name>/` and is compiled into `plinth` on the next
/// build: `Package.swift` makes targets of every `Plugins/*/plugin.json`, and this command
/// rewrites `Sources/plinth/LocalPlugins.swift`, which lists them. Dylib plugins go to `./<name>`.
struct NewPlugin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plugin", abstract: "Scaffold a plugin: manifest, one migration, one route, one test, a README.")
    static let templates = ["swift", "dylib-swift", "dylib-c"]

    @Argument(help: "The plugin id: lowercase letters, digits and '_', starting with a letter.")
    var name: String = ""

    @Option(help: "swift (compiled in), dylib-swift or dylib-c (shared objects).")
    var template: String = "swift"

    @Option(help: "Folder to create. Default: Plugins/<Name> for swift, ./<name> otherwise.")
    var output: String?

    func run() async throws {
        try await CommandSupport.run {
            let plan = try ScaffoldPlan(name: name, template: template, output: output, compiledIn: Set(PlinthCLI.plugins.map(\.manifest.id)))
            try plan.write()
            print("created \(plan.output) from the \(template) template")
            for step in plan.nextSteps { print("  " + step) }
        }
    }
}

/// Why `plinth new plugin` wrote nothing.
struct ScaffoldError: Error, CustomStringConvertible {
    let description: String
}

/// What `plinth new plugin` will write, checked before anything is written.
struct ScaffoldPlan {
    let name: String
    let typeName: String
    let template: String
    let templateFolder: String
    let checkout: String
    let output: String

    init(name: String, template: String, output: String?, compiledIn: Set<String>) throws {
        let fail = { (reason: String) in ScaffoldError(description: reason) }
        guard NewPlugin.templates.contains(template) else {
            throw fail("unknown template '\(template)'; choose one of \(NewPlugin.templates.joined(separator: ", "))")
        }
        guard !name.isEmpty else { throw fail("give the plugin a name, e.g. `plinth new plugin billing` (lowercase letters, digits and '_', starting with a letter)") }
        guard let checkout = ScaffoldPlan.findCheckout() else {
            throw fail("cannot find the Templates folder; run it in a Plinth checkout or set PLINTH_TEMPLATES_DIR")
        }
        let existing = compiledIn.union(ScaffoldPlan.scaffoldedIDs(checkout))
        if existing.contains(name.lowercased()) {
            throw fail("a plugin with id '\(name.lowercased())' already exists; choose another name")
        }
        guard name.count <= 40, name.first.map({ $0.isASCII && $0.isLowercase }) == true,
              name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw fail("'\(name)' is not a plugin name: use 1-40 lowercase letters, digits and '_', starting with a letter (e.g. acme_billing)")
        }
        self.name = name
        typeName = name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        self.template = template
        self.checkout = checkout
        templateFolder = ProcessInfo.processInfo.environment["PLINTH_TEMPLATES_DIR"].map { $0 + "/" + template } ?? checkout + "/Templates/" + template
        let target = output ?? (template == "swift" ? checkout + "/Plugins/" + typeName : FileManager.default.currentDirectoryPath + "/" + name)
        self.output = URL(fileURLWithPath: target).standardizedFileURL.path
        if FileManager.default.fileExists(atPath: self.output) {
            throw fail("\(self.output) already exists; nothing was written")
        }
        if template == "swift", !self.output.hasPrefix(checkout + "/Plugins/") {
            throw fail("a swift plugin is compiled into plinth, so it must live in \(checkout)/Plugins/; leave out --output")
        }
    }

    /// The checkout holding `Templates/`: `PLINTH_TEMPLATES_DIR`'s parent, the working folder or
    /// one of its parents, or one of the folders above the running binary (`.build/debug/plinth`).
    static func findCheckout() -> String? {
        if let dir = ProcessInfo.processInfo.environment["PLINTH_TEMPLATES_DIR"] { return URL(fileURLWithPath: dir).deletingLastPathComponent().path }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        for start in candidates {
            var folder = start.standardizedFileURL
            for _ in 0..<6 {
                if FileManager.default.fileExists(atPath: folder.path + "/Templates/swift/plugin.json") { return folder.path }
                folder = folder.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// Ids of plugins scaffolded in `checkout/Plugins/*/plugin.json`.
    static func scaffoldedIDs(_ checkout: String) -> Set<String> {
        Set(scaffolded(checkout).map(\.id))
    }

    static func scaffolded(_ checkout: String) -> [(id: String, module: String, type: String)] {
        let root = checkout + "/Plugins"
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        return folders.compactMap { folder in
            guard let data = FileManager.default.contents(atPath: "\(root)/\(folder)/plugin.json"),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                  let id = json["id"], let module = json["module"], let type = json["type"] else { return nil }
            return (id, module, type)
        }
    }

    func render(_ text: String) -> String {
        text.replacingOccurrences(of: "__PLINTH__", with: checkout)
            .replacingOccurrences(of: "__NAME__", with: name.uppercased())
            .replacingOccurrences(of: "__Name__", with: typeName)
            .replacingOccurrences(of: "__name__", with: name)
    }

    func write() throws {
        let files = FileManager.default.enumerator(atPath: templateFolder)?.compactMap { $0 as? String } ?? []
        var written: [(String, Data, Bool)] = []
        for relative in files.sorted() {
            let source = templateFolder + "/" + relative
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let text = try String(contentsOfFile: source, encoding: .utf8)
            let executable = FileManager.default.isExecutableFile(atPath: source)
            written.append((output + "/" + render(relative), Data(render(text).utf8), executable))
        }
        guard !written.isEmpty else { throw ScaffoldError(description: "template folder \(templateFolder) is empty or missing") }
        for (path, data, executable) in written {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path))
            if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
        }
        if template == "swift" { try Self.writeLocalPlugins(checkout) }
    }

    /// Rewrites `Sources/plinth/LocalPlugins.swift` from `Plugins/*/plugin.json`.
    static func writeLocalPlugins(_ checkout: String) throws {
        let plugins = scaffolded(checkout)
        var lines = ["// Written by `plinth new plugin`: the plugins scaffolded in Plugins/ (each has a plugin.json).", "import PlinthKernel"]
        lines += plugins.map { "import \($0.module)" }
        lines += ["", "enum LocalPlugins {", "    static let entries: [PluginEntry] = ["]
        lines += plugins.map { "        PluginEntry(\($0.type).self)," }
        lines += ["    ]", "}", ""]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: checkout + "/Sources/plinth/LocalPlugins.swift"))
    }

    var nextSteps: [String] {
        switch template {
        case "swift": ["swift build && swift run plinth serve", "curl localhost:3013/api/\(name)/greet/ann", "swift test --filter Plinth\(typeName)Tests"]
        case "dylib-c": ["cd \(output) && make && make test", "cp \(name).so <app>/plugins.d/"]
        default: ["cd \(output) && swift build && ./test.sh", "cp .build/debug/lib\(typeName).so <app>/plugins.d/\(name).so"]
        }
    }
}
