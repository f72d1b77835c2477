import Foundation
import PlinthWorkscriptEngine
import Testing

/// Every workflow of the corpus gives what upstream Workscript's engine gave (Fixtures/README.md
/// says how those results were recorded): the same validity, the same status, the same final
/// state (after the volatile keys are masked on both sides) or the same failure message.
@Suite struct UpstreamCorpusTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Workflows Plinth refuses on purpose (Plugins/Workscript/README.md, "Stricter
    /// validation") and upstream runs: each must be refused by default, and with only
    /// upstream's checks it must run as upstream's did.
    static let refusedOnPurpose: Set<String> = [
        // A literal of a type the node does not accept.
        "compare-inputs-not-arrays", "filter-items-not-array", "loop-every-array-item-not-array", "loop-range-stop-string",
        // Config nested deeper than `$.` resolution goes (upstream throws when the node runs).
        "error-thrown-array-not-caught", "error-thrown-caught-by-string", "error-thrown-caught-registry-target",
        "error-thrown-nested-propagates", "error-thrown-nested-uncaught", "error-thrown-null-route-caught",
        "error-thrown-object-not-caught", "error-thrown-stops-workflow", "resolve-depth-caught-by-string-error", "resolve-depth-exceeded",
    ]

    /// Node types of the corpus that this engine does not have yet. Their workflows are checked
    /// once they arrive: this list must then shrink, or ``theUnportedNodesAreExactlyTheListed()``
    /// fails.
    static let notYetPorted: Set<String> = []

    static func load(_ url: URL) throws -> ScriptValue {
        try ScriptJSON.parse(Array(try Data(contentsOf: url)))
    }

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("corpus").path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func mask(_ value: ScriptValue, _ keys: Set<String>) -> ScriptValue {
        switch value {
        case .array(let items): return .array(items.map { mask($0, keys) })
        case .object(let object):
            var out = ScriptObject()
            for (key, member) in object { out[key] = keys.contains(key) ? "<volatile>" : mask(member, keys) }
            return .object(out)
        default: return value
        }
    }

    /// What the engine does with one document, in the fixtures' shape.
    static func outcome(_ document: ScriptValue, registry: NodeRegistry, checks: WorkflowParser.Checks = .all, volatile: Set<String>) async -> ScriptValue {
        let workflow: Workflow
        do { workflow = try WorkflowParser(registry: registry, checks: checks).parse(document) } catch {
            return ["valid": false, "errors": .array(error.issues.map(\.json))]
        }
        let result = await WorkflowEngine().run(workflow)
        var out: ScriptObject = ["valid": true, "status": .string(result.status.rawValue)]
        if var finalState = result.finalState {
            // The `database` node's tables live in the execution's state here, not in a table
            // shared by every execution as upstream's (README: "No state shared between executions").
            finalState.removeValue(forKey: DatabaseNode.stateKey)
            out["finalState"] = mask(.object(finalState), volatile)
        }
        if let error = result.error { out["error"] = .string(error) }
        return .object(out)
    }

    /// Every step key of a document (top level, nested, in sequences), as node types.
    static func nodeTypes(_ value: ScriptValue, into types: inout Set<String>, stepLevel: Bool) {
        switch value {
        case .string(let text) where stepLevel: types.insert(Self.type(of: text))
        case .array(let items): for item in items { nodeTypes(item, into: &types, stepLevel: stepLevel) }
        case .object(let object):
            for (key, member) in object {
                if stepLevel { types.insert(Self.type(of: key)) }
                if case .object(let config) = member {
                    for (name, route) in config where name.hasSuffix("?") { nodeTypes(route, into: &types, stepLevel: true) }
                }
            }
        default: break
        }
    }

    static func type(of key: String) -> String {
        key.hasPrefix("$.") ? StateSetterNode.id : (key.hasSuffix("...") ? String(key.dropLast(3)) : key)
    }

    @Test func theUnportedNodesAreExactlyTheListed() throws {
        let registry = NodeLibrary.registry()
        var missing: Set<String> = []
        for name in Self.names {
            let document = try Self.load(Self.fixtures.appendingPathComponent("corpus/\(name).json"))
            guard try Self.load(Self.fixtures.appendingPathComponent("upstream/\(name).json"))["valid"] == true else { continue }
            var types: Set<String> = []
            Self.nodeTypes(document["workflow"], into: &types, stepLevel: true)
            missing.formUnion(types.filter { !registry.contains($0) })
        }
        #expect(missing == Self.notYetPorted)
    }

    @Test func theCorpusIsThere() {
        #expect(Self.names.count >= 150)
    }

    @Test func everyWorkflowMatchesUpstream() async throws {
        let registry = NodeLibrary.registry()
        let volatile = Set((try Self.load(Self.fixtures.appendingPathComponent("volatile.json")).arrayValue ?? []).compactMap(\.stringValue))
        var mismatches: [String] = []
        for name in Self.names {
            let document = try Self.load(Self.fixtures.appendingPathComponent("corpus/\(name).json"))
            let expected = try Self.load(Self.fixtures.appendingPathComponent("upstream/\(name).json"))
            var types: Set<String> = []
            Self.nodeTypes(document["workflow"], into: &types, stepLevel: true)
            if !types.isDisjoint(with: Self.notYetPorted) { continue }
            var actual = await Self.outcome(document, registry: registry, volatile: volatile)
            if Self.refusedOnPurpose.contains(name) {
                guard actual["valid"] == false else { mismatches.append("\(name): should be refused by Plinth's stricter checks"); continue }
                actual = await Self.outcome(document, registry: registry, checks: .upstream, volatile: volatile)
            }
            if expected["valid"] == false {
                // Upstream's messages are its JSON-schema library's; validity is what must agree.
                if actual["valid"] != false { mismatches.append("\(name): upstream refuses it, Plinth accepts it") }
                continue
            }
            guard actual["valid"] == true else {
                let issues = (actual["errors"].arrayValue ?? []).map { "\($0["pointer"].stringValue ?? ""): \($0["message"].stringValue ?? "")" }
                mismatches.append("\(name): Plinth refuses it: \(issues.joined(separator: "; "))")
                continue
            }
            if actual["status"] != expected["status"] || actual["error"] != expected["error"] {
                mismatches.append("\(name): \(actual["status"].jsString) \(actual["error"].jsString) ≠ upstream \(expected["status"].jsString) \(expected["error"].jsString)")
            } else if actual["finalState"] != expected["finalState"] {
                mismatches.append("\(name): final state\n  plinth   \(ScriptJSON.stringify(actual["finalState"]) ?? "-")\n  upstream \(ScriptJSON.stringify(expected["finalState"]) ?? "-")")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(Self.names.count) differ:\n\(mismatches.joined(separator: "\n"))")
    }
}
