import Foundation

/// `compareDatasets`: combines the config's `input1` and `input2` lists by `mode`: `append`
/// (both, in order), `keep_matches` (one merged row per matching pair, `input2`'s fields
/// winning), `keep_non_matches` and `remove_matches` (both the `input1` rows without a match),
/// `enrich` (every `input1` row, with the fields of its matches added by `resolveConflicts`)
/// or `choose_branch` (`selectedBranch`'s list). Rows match when the `String()` of their
/// `matchFields` values agree; `input1Fields`/`input2Fields` pick the dotted paths kept.
/// Writes `compareResult` and `compareMetadata`; `keep_matches` with no rows takes
/// `no_matches`. As upstream, a key inherited from `Object.prototype` (`toString`, ...) counts
/// as already present when enriching, and `merge_arrays` appends to the row's own array, so
/// rows taken from the state by a `$.` reference see their arrays grow there too.
public struct CompareDatasetsNode: WorkflowNode {
    public init() {}
    static let modes: [ScriptValue] = ["append", "keep_matches", "keep_non_matches", "remove_matches", "enrich", "choose_branch"]

    public let metadata = NodeMetadata(
        id: "compareDatasets", name: "Compare Datasets (Merge)",
        description: "Merge or compare two datasets with various join strategies (inner join, anti-join, enrich, append)",
        inputs: ["mode", "input1", "input2", "matchFields", "input1Fields", "input2Fields", "resolveConflicts", "selectedBranch"],
        outputs: ["result", "count", "matched", "unmatched"],
        hints: NodeHints(
            purpose: "Merge or compare two datasets using various join strategies (inner join, anti-join, enrich, append)",
            whenToUse: "When you need to combine, filter, or enrich data from two sources based on matching field values",
            expectedEdges: ["success", "no_matches", "error"],
            exampleUsage: #"{"compare-1": {"mode": "keep_matches", "input1": [{"userId": 1, "name": "Alice"}], "input2": [{"userId": 1, "dept": "Eng"}], "matchFields": [{"field1": "userId", "field2": "userId"}], "success?": "next"}}"#,
            exampleConfig: #"{"mode": "append|keep_matches|keep_non_matches|remove_matches|enrich|choose_branch", "input1": "[object, ...]", "input2": "[object, ...]", "matchFields?": "[{field1: string, field2: string}, ...]", "resolveConflicts?": "prefer_input1|prefer_input2|merge_arrays", "selectedBranch?": "input1|input2"}"#,
            postToState: ["compareResult", "compareMetadata"]),
        config: [
            NodeConfigField("mode", .string, required: true, description: "append, keep_matches, keep_non_matches, remove_matches, enrich or choose_branch"),
            NodeConfigField("input1", .array, description: "the first list"),
            NodeConfigField("input2", .array, description: "the second list"),
            NodeConfigField("matchFields", .array, description: "[{field1, field2}]: paths compared, required except for append and choose_branch"),
            NodeConfigField("input1Fields", .array, description: "paths kept from input1 rows"),
            NodeConfigField("input2Fields", .array, description: "paths kept from input2 rows"),
            NodeConfigField("resolveConflicts", .string, default: "prefer_input1", description: "enrich: prefer_input1, prefer_input2 or merge_arrays"),
            NodeConfigField("selectedBranch", .string, description: "choose_branch: input1 or input2"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let mode = config["mode"], nodeId = ScriptValue.string(context.nodeId)
        guard mode.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: mode", "nodeId": nodeId])] }
        guard Self.modes.contains(where: { ItemAccess.sameValueZero($0, mode) }) else {
            return [NodeEdge("error", ["error": .string("Invalid mode: \(mode.jsString). Must be one of: \(Self.modes.map(\.jsString).joined(separator: ", "))"), "nodeId": nodeId])]
        }
        let input1 = config["input1"], input2 = config["input2"]
        if mode == "choose_branch" {
            let branch = config["selectedBranch"]
            guard branch == "input1" || branch == "input2" else {
                return [NodeEdge("error", ["error": "choose_branch mode requires selectedBranch to be \"input1\" or \"input2\"", "nodeId": nodeId])]
            }
            let chosen = branch == "input1" ? input1 : input2
            guard case .array(let rows) = chosen else {
                return [NodeEdge("error", ["error": .string("\(branch.jsString) must be an array"), "nodeId": nodeId])]
            }
            let count = ScriptValue.number(Double(rows.count))
            context.state["compareResult"] = chosen
            context.state["compareMetadata"] = ["mode": mode, "selectedBranch": branch, "count": count, "timestamp": .string(ISOTime.now())]
            return [NodeEdge("success", ["result": chosen, "count": count, "selectedBranch": branch])]
        }
        guard case .array(let first) = input1 else { return [NodeEdge("error", ["error": "input1 must be an array", "nodeId": nodeId])] }
        guard case .array(let second) = input2 else { return [NodeEdge("error", ["error": "input2 must be an array", "nodeId": nodeId])] }

        var metadata: ScriptObject = ["mode": mode, "input1Count": .number(Double(first.count)), "input2Count": .number(Double(second.count)),
                                      "timestamp": .string(ISOTime.now())]
        if mode == "append" {
            let result = first + second
            metadata["resultCount"] = .number(Double(result.count))
            context.state["compareResult"] = .array(result)
            context.state["compareMetadata"] = .object(metadata)
            return [NodeEdge("success", ["result": .array(result), "count": .number(Double(result.count))])]
        }
        guard case .array(let matchFields) = config["matchFields"], !matchFields.isEmpty else {
            return [NodeEdge("error", ["error": .string("mode \"\(mode.jsString)\" requires matchFields to be a non-empty array"), "nodeId": nodeId])]
        }
        let result: [ScriptValue], matched: Int
        do {
            for pair in matchFields {
                let field1 = try ItemAccess.member(pair, "field1", expression: "mf.field1")
                guard field1.isTruthy, ScriptAccess.get(pair, "field2").isTruthy else {
                    return [NodeEdge("error", ["error": "Each matchField must have field1 and field2 properties", "nodeId": nodeId, "invalidMatchField": pair])]
                }
            }
            var join = DatasetJoin(first: first, second: second, fields1: matchFields.map { ScriptAccess.get($0, "field1") },
                                   fields2: matchFields.map { ScriptAccess.get($0, "field2") })
            switch mode.stringValue {
            case "keep_matches": result = try join.keepMatches(config["input1Fields"], config["input2Fields"])
            case "enrich":
                let strategy = config["resolveConflicts"].isTruthy ? config["resolveConflicts"] : "prefer_input1"
                let references = (Self.reference(context, "input1"), Self.reference(context, "input2"))
                result = try join.enrich(config["input2Fields"], strategy, sameLists: references.0 != nil && references.0 == references.1)
                // Rows taken by a whole `$.` reference are the state's own objects upstream.
                if let path = references.0 { Self.replace(&context.state, at: path, with: .array(join.first)) }
                if let path = references.1 { Self.replace(&context.state, at: path, with: .array(join.second)) }
            default: result = try join.keepNonMatches(config["input1Fields"])
            }
            matched = try join.matchCount()
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "mode": mode, "details": .string(error.stack)])]
        }
        metadata["resultCount"] = .number(Double(result.count))
        metadata["matchedCount"] = .number(Double(matched))
        context.state["compareResult"] = .array(result)
        context.state["compareMetadata"] = .object(metadata)
        if mode == "keep_matches" && result.isEmpty {
            return [NodeEdge("no_matches", ["result": [], "count": 0, "message": "No matching items found"])]
        }
        return [NodeEdge("success", ["result": .array(result), "count": .number(Double(result.count)), "matched": .number(Double(matched))])]
    }

    /// The state path a config list was taken from, when the raw config names it by a whole
    /// `$.` reference (and so holds the state's very value).
    static func reference(_ context: NodeContext, _ name: String) -> [String]? {
        guard case .string(let raw) = context.input("_nodeConfig")[name], raw.hasPrefix("$."), WorkflowSyntax.isStatePath(raw.dropFirst(2)) else { return nil }
        return raw.dropFirst(2).split(separator: ".").map(String.init)
    }

    static func replace(_ state: inout ScriptObject, at path: [String], with new: ScriptValue) {
        var root = ScriptValue.object(state)
        replace(&root, at: path[...], with: new)
        if case .object(let updated) = root { state = updated }
    }

    private static func replace(_ value: inout ScriptValue, at path: ArraySlice<String>, with new: ScriptValue) {
        guard let step = path.first else { value = new; return }
        switch value {
        case .object(var object) where object.contains(step):
            var child = object[step]
            replace(&child, at: path.dropFirst(), with: new)
            object[step] = child
            value = .object(object)
        case .array(var items):
            guard let index = ScriptObject.arrayIndex(step).map(Int.init), index < items.count else { return }
            replace(&items[index], at: path.dropFirst(), with: new)
            value = .array(items)
        default: return
        }
    }
}
