/// `editFields`: builds an object from field assignments (`manual_mapping`, the default) or
/// from a JSON template (`json_output`), writes it to `editFieldsResult` and its keys to
/// `fieldsModified`. `{{path}}` in a value is filled from the inputs. Upstream's defaults are
/// kept, surprising as they are: each field's `type` defaults to `string`, so numbers become
/// text, and `includeOtherFields` defaults to true, so the result starts from every input
/// (the whole state, the edge data and `_nodeConfig`).
public struct EditFieldsNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "editFields", name: "Edit Fields (Set)",
        description: "Create, modify, or remove fields in items with support for nested structures and type conversions",
        inputs: ["mode", "fieldsToSet", "jsonOutput", "includeOtherFields", "supportDotNotation"], outputs: ["result", "fieldsModified"],
        hints: NodeHints(purpose: "Transform item structure by adding, modifying, or removing fields with type conversion and expression support",
                         whenToUse: "When you need to reshape data, add computed fields, rename properties, or create nested structures",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"edit-1": {"mode": "manual_mapping", "fieldsToSet": [{"name": "fullName", "value": "{{firstName}} {{lastName}}", "type": "expression"}], "includeOtherFields": true, "success?": "next"}}"#,
                         exampleConfig: #"{"mode": "manual_mapping|json_output", "fieldsToSet": "[{name: string, value: any, type?: string}]", "jsonOutput?": "string", "includeOtherFields?": "boolean", "supportDotNotation?": "boolean", "ignoreTypeErrors?": "boolean"}"#,
                         postToState: ["editFieldsResult", "fieldsModified"]),
        config: [
            NodeConfigField("mode", .string, default: "manual_mapping", description: "manual_mapping or json_output"),
            NodeConfigField("fieldsToSet", .array, default: [], description: "[{name, value, type}] with type string (default), number, boolean, object, array or expression"),
            NodeConfigField("jsonOutput", .string, description: "JSON text with {{path}} placeholders, for json_output"),
            NodeConfigField("includeOtherFields", .boolean, default: true, description: "start from every input (state, edge data, _nodeConfig)"),
            NodeConfigField("includeBinaryData", .boolean, default: false, description: "accepted and ignored"),
            NodeConfigField("supportDotNotation", .boolean, default: true, description: "a dotted name sets a nested field"),
            NodeConfigField("ignoreTypeErrors", .boolean, default: false, description: "skip fields that fail instead of failing"),
        ],
        category: "dataManipulation")

    /// Upstream's placeholder pattern.
    private static let placeholder = try! JSRegex(#"\{\{([^}]+)\}\}"#, flags: "g")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let mode = config["mode"].isUndefined ? "manual_mapping" : config["mode"]
        let fields = config["fieldsToSet"].isUndefined ? [] : config["fieldsToSet"]
        let includeOthers = config["includeOtherFields"].isUndefined ? true : config["includeOtherFields"].isTruthy
        let dotted = config["supportDotNotation"].isUndefined ? true : config["supportDotNotation"].isTruthy
        let ignoreErrors = config["ignoreTypeErrors"].isTruthy
        let nodeId = ScriptValue.string(context.nodeId)
        guard mode == "manual_mapping" || mode == "json_output" else {
            return [NodeEdge("error", ["error": .string("Invalid mode: \(mode.jsString). Must be \"manual_mapping\" or \"json_output\""), "nodeId": nodeId])]
        }
        do throws(NodeFailure) {
            let result = mode == "manual_mapping"
                ? try mapFields(fields, inputs: context.inputs, includeOthers: includeOthers, dotted: dotted, ignoreErrors: ignoreErrors)
                : try jsonOutput(config["jsonOutput"], inputs: context.inputs, ignoreErrors: ignoreErrors)
            let keys = ScriptValue.array(FieldPaths.spread(result).keys.map { .string($0) })
            context.state["editFieldsResult"] = result
            context.state["fieldsModified"] = keys
            return [NodeEdge("success", ["result": result, "fieldsModified": keys, "mode": mode])]
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "mode": mode, "details": error.details])]
        }
    }

    private func mapFields(_ fields: ScriptValue, inputs: ScriptObject, includeOthers: Bool, dotted: Bool, ignoreErrors: Bool) throws(NodeFailure) -> ScriptValue {
        var result = ScriptValue.object(includeOthers ? inputs : [:])
        for field in try JSTypeError.iterate(fields) {
            do throws(NodeFailure) {
                if field.isNullish { throw NodeFailure("Cannot destructure property 'name' from null or undefined value") }
                let name = ScriptAccess.get(field, "name")
                let type = ScriptAccess.get(field, "type").isUndefined ? "string" : ScriptAccess.get(field, "type")
                guard name.isTruthy else { throw NodeFailure("Field name is required in fieldsToSet") }
                var value = ScriptAccess.get(field, "value")
                if type == "expression" || (value.stringValue?.contains("{{") ?? false) {
                    value = .string(fill(value.jsString, from: inputs))
                }
                value = try convert(value, to: type, ignoreErrors: ignoreErrors)
                if dotted, try includesDot(name) {
                    FieldPaths.set(&result, try FieldPaths.segments(name, receiver: "name")[...], value)
                } else {
                    FieldPaths.assign(&result, name.jsString, value)
                }
            } catch {
                if !ignoreErrors { throw error }
            }
        }
        return result
    }

    /// `name.includes('.')`: a string's substring test or an array's element test.
    private func includesDot(_ name: ScriptValue) throws(NodeFailure) -> Bool {
        switch name {
        case .string(let text): return text.contains(".")
        case .array(let items): return items.contains { $0.strictlyEquals(".") }
        default: throw JSTypeError.notAFunction(name, receiver: "name", method: "includes", arguments: "\".\"")
        }
    }

    private func jsonOutput(_ template: ScriptValue, inputs: ScriptObject, ignoreErrors: Bool) throws(NodeFailure) -> ScriptValue {
        guard template.isTruthy else { throw NodeFailure("jsonOutput is required when mode is \"json_output\"") }
        do throws(NodeFailure) {
            guard case .string(let text) = template else {
                throw JSTypeError.notAFunction(template, receiver: "template", method: "replace", arguments: "/\\{\\{([^}]+)\\}\\}/g, …")
            }
            let parsed = try JSONParseErrors.parse(fill(text, from: inputs))
            guard FieldPaths.isContainer(parsed) else { throw NodeFailure("JSON output must be an object") }
            return parsed
        } catch {
            if ignoreErrors { return [:] }
            throw NodeFailure("Failed to process JSON output: \(error.message)")
        }
    }

    /// Replaces each `{{path}}` by the input at that dotted path: nothing for null or
    /// undefined, JSON for objects and arrays, `String()` otherwise.
    private func fill(_ template: String, from inputs: ScriptObject) -> String {
        (try? EditFieldsNode.placeholder.replace(template) { match, units in
            let path = JSText.trim(JSText.string(units[match.groups[1]!]))
            let value = FieldPaths.get(.object(inputs), path.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
            switch value {
            case .undefined, .null: return []
            case .object, .array: return Array((ScriptJSON.stringify(value) ?? "").utf16)
            default: return Array(value.jsString.utf16)
            }
        }) ?? template
    }

    private func convert(_ value: ScriptValue, to type: ScriptValue, ignoreErrors: Bool) throws(NodeFailure) -> ScriptValue {
        do throws(NodeFailure) {
            switch type {
            case "string": return .string(value.jsString)
            case "number":
                let number = value.jsNumber
                if number.isNaN { throw NodeFailure("Cannot convert \"\(value.jsString)\" to number") }
                return .number(number)
            case "boolean":
                if case .bool = value { return value }
                if case .string(let text) = value {
                    let lower = JSText.lower(text)
                    if lower == "true" || lower == "1" { return true }
                    if lower == "false" || lower == "0" { return false }
                }
                return .bool(value.isTruthy)
            case "object":
                if case .string(let text) = value {
                    guard let parsed = try? ScriptJSON.parse(text) else { throw NodeFailure("Cannot parse \"\(text)\" as JSON object") }
                    return parsed
                }
                if FieldPaths.isContainer(value) { return value }
                throw NodeFailure("Cannot convert \"\(value.jsString)\" to object")
            case "array":
                if case .array = value { return value }
                if case .string(let text) = value {
                    guard let parsed = try? ScriptJSON.parse(text) else {
                        return .array(JSText.split(text, by: ",").map { .string(JSText.trim($0)) })
                    }
                    if case .array = parsed { return parsed }
                }
                return [value]
            default: return value
            }
        } catch {
            if ignoreErrors { return value }
            throw error
        }
    }
}
