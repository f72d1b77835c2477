/// Checks a workflow document and builds the ``Workflow`` the engine runs.
///
/// Every problem is reported at once, each with a JSON pointer: the document's shape (upstream's
/// JSON schema), node types and edge targets that do not exist (upstream's semantic checks),
/// and, beyond upstream, config values whose type the node does not accept, config nested
/// deeper than the 10 levels `$.` resolution allows (upstream fails those at run time), and
/// the rules of nodes that check their own config (``ConfigChecking``: expressions outside the
/// expression language).
public struct WorkflowParser: Sendable {
    /// The checks beyond upstream's; all on by default.
    public struct Checks: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Literal config values have a type their node's metadata accepts.
        public static let configTypes = Checks(rawValue: 1)
        /// Config is nested no deeper than ``WorkflowParser/maxConfigDepth``.
        public static let configDepth = Checks(rawValue: 2)
        public static let all: Checks = [.configTypes, .configDepth]
        /// Only what upstream checks: such a workflow then fails, or takes an error edge, at run
        /// time as it does upstream (how the compatibility tests compare run-time behaviour).
        public static let upstream: Checks = []
    }

    public let registry: NodeRegistry
    public let checks: Checks
    /// Nesting depth of config values that `$.` resolution accepts (upstream's `maxDepth`).
    public static let maxConfigDepth = 10

    public init(registry: NodeRegistry, checks: Checks = .all) {
        self.registry = registry
        self.checks = checks
    }

    /// The problems of `document`; empty when it is a valid workflow.
    public func validate(_ document: ScriptValue) -> [WorkflowIssue] {
        var run = Run(parser: self)
        _ = run.document(document)
        return run.issues
    }

    /// The workflow of `document`. - Throws: ``WorkflowInvalid`` with every problem.
    public func parse(_ document: ScriptValue) throws(WorkflowInvalid) -> Workflow {
        var run = Run(parser: self)
        let workflow = run.document(document)
        guard run.issues.isEmpty, let workflow else { throw WorkflowInvalid(issues: run.issues) }
        return workflow
    }

    /// Parses JSON text, then the document.
    public func parse(json text: String) throws(WorkflowInvalid) -> Workflow {
        let document: ScriptValue
        do { document = try ScriptJSON.parse(text) } catch {
            throw WorkflowInvalid(issues: [WorkflowIssue("", "not JSON: \(error)")])
        }
        return try parse(document)
    }

    private struct Run {
        let parser: WorkflowParser
        var issues: [WorkflowIssue] = []
        /// Each top-level key's first step: the jump target, and the set of step keys.
        var firstIndexOfKey: [String: Int] = [:]

        init(parser: WorkflowParser) { self.parser = parser }

        mutating func issue(_ pointer: String, _ message: String) { issues.append(WorkflowIssue(pointer, message)) }

        mutating func document(_ document: ScriptValue) -> Workflow? {
            guard case .object(let root) = document else {
                issue("", "a workflow is a JSON object with id, name, version and workflow")
                return nil
            }
            let id = requiredString(root, "id") { WorkflowSyntax.isNodeIdentifier($0) ? nil : "must hold only letters, digits, '_' and '-'" }
            let name = requiredString(root, "name") { $0.isEmpty ? "must not be empty" : nil }
            let version = requiredString(root, "version") { WorkflowSyntax.isVersion($0) ? nil : "must be a version such as 1.0.0 (three numbers)" }
            var description: String?
            switch root["description"] {
            case .undefined: break
            case .string(let text): description = text
            default: issue("/description", "must be a string")
            }
            var initialState = ScriptObject()
            switch root["initialState"] {
            case .undefined: break
            case .object(let state): initialState = state
            default: issue("/initialState", "must be an object")
            }
            guard case .array(let rawSteps) = root["workflow"] else {
                issue(root.contains("workflow") ? "/workflow" : "", root.contains("workflow") ? "must be an array of steps" : "missing required property 'workflow' (the array of steps)")
                return nil
            }
            if rawSteps.isEmpty { issue("/workflow", "must hold at least one step") }
            for (index, raw) in rawSteps.enumerated() {
                let key: String? = switch raw {
                case .string(let text): text
                case .object(let object) where object.count == 1: object.keys[0]
                default: nil
                }
                if let key, firstIndexOfKey[key] == nil { firstIndexOfKey[key] = index }
            }
            var steps: [WorkflowStep] = []
            for (index, raw) in rawSteps.enumerated() {
                if let step = topLevelStep(raw, pointer: "/workflow/\(index)") { steps.append(step) }
            }
            guard let id, let name, let version, issues.isEmpty else { return nil }
            return Workflow(id: id, name: name, version: version, description: description, initialState: initialState, steps: steps)
        }

        mutating func requiredString(_ root: ScriptObject, _ key: String, _ check: (String) -> String?) -> String? {
            switch root[key] {
            case .undefined:
                issue("", "missing required property '\(key)'")
                return nil
            case .string(let text):
                if let problem = check(text) { issue("/\(key)", problem); return nil }
                return text
            default:
                issue("/\(key)", "must be a string")
                return nil
            }
        }

        mutating func topLevelStep(_ raw: ScriptValue, pointer: String) -> WorkflowStep? {
            switch raw {
            case .string(let text):
                return stringStep(text, pointer: pointer)
            case .object(let object):
                guard object.count == 1 else {
                    issue(pointer, object.isEmpty ? "a step object needs one key: the node to run" : "a step object has exactly one key (the node to run); this one has \(object.count): \(object.keys.joined(separator: ", "))")
                    return nil
                }
                return step(key: object.keys[0], value: object.values[0], pointer: pointer + "/" + WorkflowSyntax.pointerToken(object.keys[0]))
            default:
                issue(pointer, "a step is a node id (a string) or an object with one key, not \(describe(raw))")
                return nil
            }
        }

        /// A step written as a bare string: the node with no config.
        mutating func stringStep(_ text: String, pointer: String) -> WorkflowStep? {
            guard WorkflowSyntax.isStepString(text) else {
                issue(pointer, "'\(text)' is not a node id (letters, digits, '_', '-', optionally ending in '...') or a state path ('$.a.b')")
                return nil
            }
            guard let (type, node) = nodeType(of: text, pointer: pointer) else { return nil }
            return WorkflowStep(key: text, nodeType: type, isLoop: text.hasSuffix("..."), config: [:], edges: [], pointer: pointer, node: node)
        }

        mutating func nodeType(of key: String, pointer: String) -> (String, any WorkflowNode)? {
            let type = key.hasPrefix("$.") ? StateSetterNode.id : (key.hasSuffix("...") ? String(key.dropLast(3)) : key)
            guard let node = parser.registry.node(type) else {
                issue(pointer, "unknown node type '\(type)'")
                return nil
            }
            return (type, node)
        }

        /// A step `{key: value}` at top level or nested.
        mutating func step(key: String, value: ScriptValue, pointer: String) -> WorkflowStep? {
            if WorkflowSyntax.isStateSetterKey(key) { return setterStep(key: key, value: value, pointer: pointer) }
            guard WorkflowSyntax.isNodeKey(key) else {
                issue(pointer, "'\(key)' is not a node id (letters, digits, '_', '-', optionally ending in '...') or a state path ('$.a.b')")
                return nil
            }
            guard case .object(let raw) = value else {
                issue(pointer, "the config of '\(key)' must be an object of parameters and edges ('name?'), not \(describe(value))")
                return nil
            }
            let type = key.hasSuffix("...") ? String(key.dropLast(3)) : key
            let entry = parser.registry.entry(type)
            if entry == nil { issue(pointer, "unknown node type '\(type)'") }
            let (config, edges) = configAndEdges(raw, pointer: pointer)
            guard let entry else { return nil }
            let node = entry.node
            if parser.checks.contains(.configTypes) { checkFields(config, of: node.metadata, pointer: pointer) }
            if let checking = entry.checker {
                for (field, message) in checking.problems(in: config) { issue(pointer + "/" + WorkflowSyntax.pointerToken(field), message) }
            }
            return WorkflowStep(key: key, nodeType: type, isLoop: key.hasSuffix("..."), config: config, edges: edges, pointer: pointer, node: node)
        }

        mutating func setterStep(key: String, value: ScriptValue, pointer: String) -> WorkflowStep? {
            let path = ScriptValue.string(String(key.dropFirst(2)))
            var config: ScriptObject = ["statePath": path]
            var edges: [(name: String, route: EdgeRoute)] = []
            switch value {
            case .null, .undefined:
                issue(pointer, "a state setter needs a value; null is not allowed (set a value, or use {\"value\": ...})")
                return nil
            case .string, .number, .bool, .array:
                if !isCleanParameter(value, depth: 2) { parameterValue(value, pointer: pointer, depth: 2) }
                config["value"] = value
            case .object(let raw):
                let (parameters, parsedEdges) = configAndEdges(raw, pointer: pointer)
                edges = parsedEdges
                if parameters.contains("value") {
                    config["value"] = parameters["value"]
                    for (name, parameter) in parameters where name != "value" { config[name] = parameter }
                } else if !parameters.isEmpty {
                    config["value"] = .object(parameters)
                }
            }
            guard let node = parser.registry.node(StateSetterNode.id) else {
                issue(pointer, "state setters need the node '\(StateSetterNode.id)', which is not registered")
                return nil
            }
            return WorkflowStep(key: key, nodeType: StateSetterNode.id, isLoop: false, config: config, edges: edges, pointer: pointer, node: node)
        }

        mutating func configAndEdges(_ raw: ScriptObject, pointer: String) -> (ScriptObject, [(name: String, route: EdgeRoute)]) {
            let kinds = raw.keys.map(WorkflowSyntax.configKey)
            // Most steps have parameters only: their config is the object as written, not a copy.
            if !kinds.contains(where: { $0 != .parameter }) {
                for (key, value) in raw where !isCleanParameter(value, depth: 1) {
                    parameterValue(value, pointer: pointer + "/" + WorkflowSyntax.pointerToken(key), depth: 1)
                }
                return (raw, [])
            }
            var config = ScriptObject(minimumCapacity: raw.count)
            var edges: [(name: String, route: EdgeRoute)] = []
            for ((key, value), kind) in zip(raw, kinds) {
                // Pointers are built only where a step keeps one or a problem names one.
                switch kind {
                case .edge:
                    if let route = edgeRoute(value, pointer: pointer + "/" + WorkflowSyntax.pointerToken(key)) { edges.append((String(key.dropLast()), route)) }
                case .parameter:
                    if !isCleanParameter(value, depth: 1) { parameterValue(value, pointer: pointer + "/" + WorkflowSyntax.pointerToken(key), depth: 1) }
                    config[key] = value
                case .invalid:
                    issue(pointer + "/" + WorkflowSyntax.pointerToken(key), "'\(key)' is neither a parameter name (letters, digits, '_', '-') nor an edge ('name?')")
                }
            }
            return (config, edges)
        }

        /// Whether ``parameterValue(_:pointer:depth:)`` would find nothing to report.
        func isCleanParameter(_ value: ScriptValue, depth: Int) -> Bool {
            if depth > WorkflowParser.maxConfigDepth, parser.checks.contains(.configDepth) { return false }
            switch value {
            case .null, .undefined: return false
            case .array(let items): return items.allSatisfy { isCleanParameter($0, depth: depth + 1) }
            case .object(let object): return object.values.allSatisfy { isCleanParameter($0, depth: depth + 1) }
            case .bool, .number, .string: return true
            }
        }

        /// No `null` anywhere, and no deeper than `$.` resolution goes.
        mutating func parameterValue(_ value: ScriptValue, pointer: String, depth: Int) {
            if depth > WorkflowParser.maxConfigDepth, parser.checks.contains(.configDepth) {
                issue(pointer, "config is nested deeper than \(WorkflowParser.maxConfigDepth) levels, the most `$.` resolution accepts")
                return
            }
            switch value {
            case .null, .undefined: issue(pointer, "null is not allowed in a node's config; leave the parameter out instead")
            case .array(let items): for (index, item) in items.enumerated() { parameterValue(item, pointer: pointer + "/\(index)", depth: depth + 1) }
            case .object(let object): for (key, member) in object { parameterValue(member, pointer: pointer + "/" + WorkflowSyntax.pointerToken(key), depth: depth + 1) }
            case .bool, .number, .string: break
            }
        }

        mutating func edgeRoute(_ value: ScriptValue, pointer: String) -> EdgeRoute? {
            switch value {
            case .null, .undefined:
                // Upstream parses `null` as the target "null" (it neither ends the workflow nor
                // exits a loop); kept for compatibility and listed in the README.
                return simple("null", pointer: pointer, checked: false)
            case .string(let target):
                return simple(target, pointer: pointer, checked: true)
            case .array(let items):
                guard !items.isEmpty else {
                    issue(pointer, "an edge sequence needs at least one step")
                    return nil
                }
                var sequence: [SequenceItem] = []
                for (index, item) in items.enumerated() {
                    let here = pointer + "/\(index)"
                    switch item {
                    case .string(let target):
                        guard checkTarget(target, pointer: here) else { continue }
                        sequence.append(.named(target, parser.registry.node(target)))
                    case .object(let object):
                        if let step = nestedStep(object, pointer: here) { sequence.append(.step(step)) }
                    default:
                        issue(here, "a sequence item is a node id or an object with one key, not \(describe(item))")
                    }
                }
                return .sequence(sequence)
            case .object(let object):
                return nestedStep(object, pointer: pointer).map { .nested($0) }
            default:
                issue(pointer, "an edge leads to a step key, a sequence (array), an inline step (object) or null, not \(describe(value))")
                return nil
            }
        }

        mutating func nestedStep(_ object: ScriptObject, pointer: String) -> WorkflowStep? {
            guard object.count == 1 else {
                issue(pointer, object.isEmpty ? "an inline step needs one key: the node to run" : "an inline step has exactly one key (the node to run); this one has \(object.count): \(object.keys.joined(separator: ", "))")
                return nil
            }
            return step(key: object.keys[0], value: object.values[0], pointer: pointer + "/" + WorkflowSyntax.pointerToken(object.keys[0]))
        }

        mutating func simple(_ target: String, pointer: String, checked: Bool) -> EdgeRoute? {
            if checked, !checkTarget(target, pointer: pointer) { return nil }
            return .simple(target: target, jump: firstIndexOfKey[target], node: parser.registry.node(target))
        }

        mutating func checkTarget(_ target: String, pointer: String) -> Bool {
            guard WorkflowSyntax.isStepString(target) else {
                issue(pointer, "'\(target)' is not a node id or a state path")
                return false
            }
            guard firstIndexOfKey[target] != nil || parser.registry.contains(target) else {
                issue(pointer, "edge target '\(target)' is neither a step of this workflow nor a node type")
                return false
            }
            return true
        }

        /// Literal values of the node's declared fields have an accepted type; strings holding
        /// `$.` are resolved at run time and not checked.
        mutating func checkFields(_ config: ScriptObject, of metadata: NodeMetadata, pointer: String) {
            for field in metadata.config {
                let value = config[field.name]
                if value.isUndefined { continue }
                if case .string(let text) = value, text.containsBytes("$.") { continue }
                if !field.accepts(value) {
                    let expected = field.kinds.map(\.rawValue).joined(separator: " or ")
                    issue(pointer + "/" + WorkflowSyntax.pointerToken(field.name), "'\(field.name)' of node '\(metadata.id)' must be \(expected), not \(describe(value))")
                }
            }
        }

        func describe(_ value: ScriptValue) -> String {
            switch value {
            case .undefined: "nothing"
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }
}
