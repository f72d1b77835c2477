import PlinthWorkscriptEngine
import Testing

/// The text and object nodes (editFields, summarize, transformObject, jsonExtract,
/// stringOperations, extractText, objectUtilities, mathOperations) run inside workflows.
/// Every expected value was recorded by running the same workflow on upstream Workscript.
@Suite struct TextAndObjectsNodeTests {
    /// Runs `steps` (the workflow array's items) from `state`.
    static func run(_ steps: String, state: String = "{}") async throws -> ExecutionResult {
        let json = #"{"id": "t", "name": "t", "version": "1.0.0", "initialState": \#(state), "workflow": [\#(steps)]}"#
        let workflow = try WorkflowParser(registry: NodeLibrary.registry()).parse(json: json)
        return await WorkflowEngine().run(workflow)
    }

    /// The final state of a run that must complete.
    static func state(_ steps: String, _ state: String = "{}") async throws -> ScriptObject {
        let result = try await run(steps, state: state)
        #expect(result.status == .completed, "\(result.error ?? "")")
        return try #require(result.finalState)
    }

    static func json(_ text: String) -> ScriptValue { (try? ScriptJSON.parse(text)) ?? .undefined }

    // MARK: editFields

    @Test func editFieldsStartsFromEveryInputAndMakesTextByDefault() async throws {
        let s = try await Self.state(#"{"editFields": {"fieldsToSet": [{"name": "y", "value": "2", "type": "number"}, {"name": "n", "value": 7}]}}"#, #"{"x": 1}"#)
        #expect(s["fieldsModified"] == ["x", "_nodeConfig", "y", "n"])
        #expect(s["editFieldsResult"]["x"] == 1)
        #expect(s["editFieldsResult"]["y"] == 2)
        #expect(s["editFieldsResult"]["n"] == "7")
        #expect(s["editFieldsResult"]["_nodeConfig"]["fieldsToSet"].arrayValue?.count == 2)
        #expect(s["_edgeContext"]["mode"] == "manual_mapping")
    }

    @Test func editFieldsConvertsTypes() async throws {
        let s = try await Self.state(#"""
            {"editFields": {"includeOtherFields": false, "fieldsToSet": [
              {"name": "num", "value": "42.5", "type": "number"}, {"name": "t", "value": "TRUE", "type": "boolean"},
              {"name": "f", "value": "0", "type": "boolean"}, {"name": "other", "value": "no", "type": "boolean"},
              {"name": "empty", "value": "", "type": "boolean"}, {"name": "obj", "value": "{\"a\": 1}", "type": "object"},
              {"name": "json", "value": "[1, 2]", "type": "array"}, {"name": "csv", "value": "a, b ,c", "type": "array"},
              {"name": "scalar", "value": "5", "type": "array"}, {"name": "e", "value": 5, "type": "expression"},
              {"name": "s", "value": true}, {"name": "o", "value": {"k": 1}}, {"name": "arr", "value": [1, 2], "type": "string"}]}}
            """#)
        #expect(s["editFieldsResult"] == Self.json(#"""
            {"num": 42.5, "t": true, "f": false, "other": true, "empty": false, "obj": {"a": 1}, "json": [1, 2], "csv": ["a", "b", "c"],
             "scalar": ["5"], "e": "5", "s": "true", "o": "[object Object]", "arr": "1,2"}
            """#))
    }

    @Test func editFieldsFillsPlaceholdersFromInputs() async throws {
        let s = try await Self.state(#"""
            {"editFields": {"includeOtherFields": false, "fieldsToSet": [
              {"name": "x", "value": "{{a}}|{{a.b}}|{{a.b.0}}|{{ n }}|{{zz}}|{{a.b.length}}"}, {"name": "u", "value": "{{a.b}}", "type": "array"}]}}
            """#, #"{"a": {"b": [1, 2]}, "n": null}"#)
        #expect(s["editFieldsResult"]["x"] == #"{"b":[1,2]}|[1,2]|1|||2"#)
        #expect(s["editFieldsResult"]["u"] == [1, 2])
        // The previous node's edge data is an input too.
        let t = try await Self.state(#"{"math": {"operation": "add", "values": [1, 2]}}, {"editFields": {"includeOtherFields": false, "fieldsToSet": [{"name": "r", "value": "{{result}}", "type": "number"}]}}"#)
        #expect(t["editFieldsResult"] == ["r": 3])
    }

    @Test func editFieldsSetsDottedNamesInsideACopy() async throws {
        let s = try await Self.state(#"""
            {"editFields": {"fieldsToSet": [{"name": "tags.1", "value": "Z"}, {"name": "tags.x", "value": "Q"},
              {"name": "deep.a.b", "value": 1, "type": "number"}, {"name": "tags.4", "value": "W"}]}}
            """#, #"{"tags": ["a", "b"]}"#)
        #expect(s["editFieldsResult"]["tags"] == ["a", "Z", nil, nil, "W"])
        #expect(s["editFieldsResult"]["deep"] == ["a": ["b": 1]])
        #expect(s["tags"] == ["a", "b"])
        let plain = try await Self.state(#"{"editFields": {"includeOtherFields": false, "supportDotNotation": false, "fieldsToSet": [{"name": "a.b", "value": "1"}]}}"#)
        #expect(plain["editFieldsResult"] == ["a.b": "1"])
    }

    @Test func editFieldsJSONOutput() async throws {
        let s = try await Self.state(#"{"editFields": {"mode": "json_output", "jsonOutput": "{\"name\": \"{{user.name}}\", \"age\": {{user.age}}, \"tags\": {{user.tags}}}"}}"#,
                                     #"{"user": {"name": "Ann", "age": 31, "tags": ["x"]}}"#)
        #expect(s["editFieldsResult"] == ["name": "Ann", "age": 31, "tags": ["x"]])
        #expect(s["fieldsModified"] == ["name", "age", "tags"])
        let array = try await Self.state(#"{"editFields": {"mode": "json_output", "jsonOutput": "[1, {\"a\": 2}]"}}"#)
        #expect(array["fieldsModified"] == ["0", "1"])
        let ignored = try await Self.state(#"{"editFields": {"mode": "json_output", "ignoreTypeErrors": true, "jsonOutput": "{\"name\": {{user.name}}}"}}"#, #"{"user": {"name": "Ann"}}"#)
        #expect(ignored["editFieldsResult"] == [:])
    }

    @Test func editFieldsErrors() async throws {
        let cases: [(String, String)] = [
            (#"{"mode": "set"}"#, #"Invalid mode: set. Must be "manual_mapping" or "json_output""#),
            (#"{"mode": "json_output"}"#, #"jsonOutput is required when mode is "json_output""#),
            (#"{"mode": "json_output", "jsonOutput": "{\"name\": {{user.name}}}"}"#, #"Failed to process JSON output: JSON Parse error: Unexpected identifier "Ann""#),
            (#"{"mode": "json_output", "jsonOutput": "42"}"#, "Failed to process JSON output: JSON output must be an object"),
            (#"{"mode": "json_output", "jsonOutput": "{\"a\": 1,}"}"#, "Failed to process JSON output: JSON Parse error: Property name must be a string literal"),
            (#"{"fieldsToSet": [{"name": "x", "value": "abc", "type": "number"}]}"#, #"Cannot convert "abc" to number"#),
            (#"{"fieldsToSet": [{"name": "x", "value": 5, "type": "object"}]}"#, #"Cannot convert "5" to object"#),
            (#"{"fieldsToSet": [{"name": "x", "value": "nope", "type": "object"}]}"#, #"Cannot parse "nope" as JSON object"#),
            (#"{"fieldsToSet": [{"value": 1}]}"#, "Field name is required in fieldsToSet"),
        ]
        for (config, message) in cases {
            let s = try await Self.state(#"{"editFields": \#(config)}"#, #"{"user": {"name": "Ann"}}"#)
            #expect(s["_edgeContext"]["error"] == .string(message), "\(config)")
            #expect(s["_edgeContext"]["nodeId"] == "editFields")
            #expect(s["editFieldsResult"].isUndefined)
        }
        let kept = try await Self.state(#"""
            {"editFields": {"includeOtherFields": false, "ignoreTypeErrors": true, "fieldsToSet": [{"name": "o", "value": "not json", "type": "object"},
              {"name": "n", "value": "abc", "type": "number"}, {"value": 1}, {"name": "ok", "value": "1", "type": "boolean"}]}}
            """#)
        #expect(kept["editFieldsResult"] == ["o": "not json", "n": "abc", "ok": true])
        let routed = try await Self.state(#"{"editFields": {"mode": "x", "error?": {"$.failed": true}}}"#)
        #expect(routed["failed"] == true)
    }

    // MARK: summarize

    static let salesItems = #"""
        [{"region": "N", "product": "a", "sales": 10, "q": "2"}, {"region": "S", "product": "a", "sales": "5", "q": null},
         {"region": "N", "product": "b", "sales": "x"}, {"product": "c", "sales": 7}, {"region": "N::X", "product": "a", "sales": 1}]
        """#

    @Test func summarizeGroupsAndAggregates() async throws {
        let s = try await Self.state(#"""
            {"summarize": {"fieldsToSplitBy": ["region"], "fieldsToSummarize": [
              {"fieldToAggregate": "sales", "aggregation": "sum", "outputFieldName": "total"},
              {"fieldToAggregate": "sales", "aggregation": "average", "outputFieldName": "avg"},
              {"fieldToAggregate": "q", "aggregation": "count", "outputFieldName": "cq", "includeEmptyValues": true},
              {"fieldToAggregate": "product", "aggregation": "concatenate", "outputFieldName": "ps", "separator": "|"},
              {"fieldToAggregate": "product", "aggregation": "countUnique", "outputFieldName": "up"},
              {"fieldToAggregate": "sales", "aggregation": "max", "outputFieldName": "mx"},
              {"fieldToAggregate": "q", "aggregation": "min", "outputFieldName": "mn"},
              {"fieldToAggregate": "q", "aggregation": "append", "outputFieldName": "qs"}]}}
            """#, #"{"items": \#(Self.salesItems)}"#)
        #expect(s["summarizeResult"] == Self.json(#"""
            [{"total": 10, "avg": 10, "cq": 2, "ps": "a|b", "up": 2, "mx": 10, "mn": 2, "qs": ["2"], "_itemCount": 2, "region": "N"},
             {"total": 5, "avg": 5, "cq": 1, "ps": "a", "up": 1, "mx": 5, "mn": null, "qs": [], "_itemCount": 1, "region": "S"},
             {"total": 7, "avg": 7, "cq": 1, "ps": "c", "up": 1, "mx": 7, "mn": null, "qs": [], "_itemCount": 1, "region": null},
             {"total": 1, "avg": 1, "cq": 1, "ps": "a", "up": 1, "mx": 1, "mn": null, "qs": [], "_itemCount": 1, "region": "N"}]
            """#))
        // The key "N::X" is split again on "::", so that group reports region "N".
        #expect(s["summarizeGroups"] == ["N", "S", "__null__", "N::X"])
        #expect(s["summarizeMetadata"]["itemCount"] == 5)
        #expect(s["summarizeMetadata"]["groupCount"] == 4)
        #expect(s["summarizeMetadata"]["groupedBy"] == ["region"])
        #expect(s["_edgeContext"]["groupCount"] == 4)
    }

    @Test func summarizeSingleItemSkipsMissingSplitFields() async throws {
        let s = try await Self.state(#"""
            {"summarize": {"fieldsToSplitBy": ["region", "product"], "skipMissingFields": true, "outputFormat": "single_item",
              "fieldsToSummarize": [{"fieldToAggregate": "sales", "aggregation": "sum", "outputFieldName": "total"}]}}
            """#, #"{"items": \#(Self.salesItems)}"#)
        #expect(s["summarizeResult"]["groupCount"] == 4)
        #expect(s["summarizeResult"]["totalItems"] == 5)
        #expect(s["summarizeResult"]["groups"].arrayValue?[3] == ["total": 1, "_itemCount": 1, "region": "N", "product": "X"])
        #expect(s["summarizeGroups"] == ["N::a", "S::a", "N::b", "N::X::a"])
    }

    @Test func summarizeDotNotationAndEmptyItems() async throws {
        let items = #"{"items": [{"a.b": 1, "a": {"b": 2}}, {"a.b": 3}]}"#
        let plain = try await Self.state(#"{"summarize": {"disableDotNotation": true, "fieldsToSummarize": [{"fieldToAggregate": "a.b", "aggregation": "sum", "outputFieldName": "s"}]}}"#, items)
        #expect(plain["summarizeResult"] == [["s": 4, "_itemCount": 2]])
        let dotted = try await Self.state(#"{"summarize": {"fieldsToSummarize": [{"fieldToAggregate": "a.b", "aggregation": "sum", "outputFieldName": "s"}]}}"#, items)
        #expect(dotted["summarizeResult"] == [["s": 2, "_itemCount": 2]])
        #expect(dotted["summarizeGroups"] == ["all"])
        let empty = try await Self.state(#"{"summarize": {"outputFormat": "single_item", "fieldsToSummarize": [{"fieldToAggregate": "a", "aggregation": "sum", "outputFieldName": "s"}]}}"#, #"{"items": []}"#)
        #expect(empty["summarizeResult"] == [:])
        #expect(empty["_edgeContext"] == ["result": [:], "groups": [], "itemCount": 0])
    }

    @Test func summarizeErrors() async throws {
        let field = #"{"fieldToAggregate": "a", "aggregation": "sum", "outputFieldName": "s"}"#
        let missing = try await Self.state(#"{"summarize": {"fieldsToSummarize": []}}"#)
        #expect(missing["_edgeContext"] == ["error": "Missing or invalid fieldsToSummarize parameter", "expected": "Array of field aggregation configurations", "received": "object", "nodeId": "summarize"])
        let bad = try await Self.state(#"{"summarize": {"fieldsToSummarize": [{"fieldToAggregate": "a"}]}}"#)
        #expect(bad["_edgeContext"]["error"] == "Invalid field configuration: fieldToAggregate, aggregation, and outputFieldName are required")
        #expect(bad["_edgeContext"]["field"] == ["fieldToAggregate": "a"])
        let unknown = try await Self.state(#"{"summarize": {"fieldsToSummarize": [{"fieldToAggregate": "a", "aggregation": "median", "outputFieldName": "s"}]}}"#)
        #expect(unknown["_edgeContext"]["error"] == "Invalid aggregation type: median")
        #expect(unknown["_edgeContext"]["valid"] == ["append", "average", "concatenate", "count", "countUnique", "max", "min", "sum"])
        let notArray = try await Self.state(#"{"summarize": {"fieldsToSummarize": [\#(field)]}}"#, #"{"items": "abc"}"#)
        #expect(notArray["_edgeContext"] == ["error": "Input items must be an array", "received": "string", "nodeId": "summarize"])
        let badPath = try await Self.state(#"{"summarize": {"fieldsToSummarize": [\#(field)], "fieldsToSplitBy": "$.n"}}"#, #"{"items": [{"a": 1}], "n": 5}"#)
        #expect(badPath["_edgeContext"]["error"] == "number is not iterable")
    }

    // MARK: transformObject

    @Test func transformObjectFlattens() async throws {
        let data = #"{"data": {"a": {"b": {"c": 1}, "d": [1, {"e": 2}]}, "f": {}, "g": null, "h": {"i": {"j": {"k": 1}}}}}"#
        let full = try await Self.state(#"{"transformObject": {"operation": "flatten"}}"#, data)
        #expect(full["transformedObject"] == Self.json(#"{"a.b.c": 1, "a.d": [1, {"e": 2}], "g": null, "h.i.j.k": 1}"#))
        #expect(full["_edgeContext"]["message"] == "Successfully applied flatten transformation")
        // At the depth limit the nested object's own keys come in without their prefix.
        let limited = try await Self.state(#"{"transformObject": {"operation": "flatten", "depth": 2, "separator": "/"}}"#, data)
        #expect(limited["transformedObject"] == Self.json(#"{"c": 1, "a/d": [1, {"e": 2}], "g": null, "j": {"k": 1}}"#))
        let whole = try await Self.state(#"{"transformObject": {"operation": "flatten"}}"#, #"{"user": {"name": "A"}}"#)
        #expect(whole["transformedObject"] == ["user.name": "A"])
        let cyclic = try await Self.run(#"{"transformObject": {"operation": "flatten", "depth": 0}}"#, state: #"{"a": {"b": 1}}"#)
        #expect(cyclic.error == "Node execution failed: transformObject - JSON.stringify cannot serialize cyclic structures.")
    }

    @Test func transformObjectUnflattensPicksOmitsAndRenames() async throws {
        let unflat = try await Self.state(#"{"transformObject": {"operation": "unflatten"}}"#, #"{"data": {"a": 1, "a.b": 2, "c.d": 3, "c.e.f": 4, "x..y": 5, "l": [1, 2], "l.0": 9}}"#)
        #expect(unflat["transformedObject"] == Self.json(#"{"a": {"b": 2}, "c": {"d": 3, "e": {"f": 4}}, "x": {"": {"y": 5}}, "l": [9, 2]}"#))
        let data = #"{"data": {"a": 1, "b": {"a": 2, "c": 3, "b": {"a": 4}}, "c": [{"a": 1}]}}"#
        let picked = try await Self.state(#"{"transformObject": {"operation": "pick", "keys": ["b", "a", "zz"], "recursive": true}}"#, data)
        #expect(picked["transformedObject"] == Self.json(#"{"b": {"b": {"a": 4}, "a": 2}, "a": 1}"#))
        #expect(picked["transformedObject"].objectValue?.keys == ["b", "a"])
        let omitted = try await Self.state(#"{"transformObject": {"operation": "omit", "keys": ["a", 1], "recursive": true}}"#, data)
        #expect(omitted["transformedObject"] == Self.json(#"{"b": {"c": 3, "b": {}}, "c": [{"a": 1}]}"#))
        let renamed = try await Self.state(#"{"transformObject": {"operation": "renameKeys", "renameMap": {"a": "b", "b": "", "0": "zero"}}}"#, #"{"data": {"0": "x", "a": 1, "b": 2}}"#)
        #expect(renamed["transformedObject"] == ["zero": "x", "b": 2])
        let array = try await Self.state(#"{"transformObject": {"operation": "pick", "keys": ["a"]}}"#, #"{"data": [1, 2]}"#)
        #expect(array["transformedObject"] == [1, 2])
    }

    @Test func transformObjectErrors() async throws {
        let cases: [(String, String, String)] = [
            (#"{}"#, #"{"data": {}}"#, "Missing required parameter: operation"),
            (#"{"operation": "flatten"}"#, #"{"data": null}"#, "No data available to transform"),
            (#"{"operation": "pick"}"#, #"{"data": {}}"#, "Missing or invalid keys parameter for pick operation"),
            (#"{"operation": "omit"}"#, #"{"data": {}}"#, "Missing or invalid keys parameter for omit operation"),
            (#"{"operation": "renameKeys", "renameMap": "$.m"}"#, #"{"data": {}, "m": "x"}"#, "Missing or invalid renameMap parameter for renameKeys operation"),
            (#"{"operation": "sort"}"#, #"{"data": {}}"#, "Unknown operation: sort"),
        ]
        for (config, state, message) in cases {
            let s = try await Self.state(#"{"transformObject": \#(config)}"#, state)
            #expect(s["_edgeContext"]["error"] == .string(message))
            #expect(s["_edgeContext"]["nodeId"] == "transformObject")
        }
        let unknown = try await Self.state(#"{"transformObject": {"operation": "sort"}}"#, #"{"data": {}}"#)
        #expect(unknown["_edgeContext"]["supportedOperations"] == ["flatten", "unflatten", "pick", "omit", "renameKeys"])
    }

    // MARK: jsonExtract

    @Test func jsonExtractMethods() async throws {
        let s = try await Self.state(#"""
            {"jsonExtract": {"path": "a..b.1.", "outputField": "r1"}}, {"jsonExtract": {"path": "a.b.length", "outputField": "r2"}},
            {"jsonExtract": {"method": "bracket_notation", "path": "users[1]", "outputField": "r3"}},
            {"jsonExtract": {"method": "bracket_notation", "path": "k.j", "outputField": "r4"}},
            {"jsonExtract": {"method": "bracket_notation", "path": "m['q'][0]", "outputField": "r5"}},
            {"jsonExtract": {"method": "bracket_notation", "path": "users[\"1abc\"]", "outputField": "r6"}},
            {"jsonExtract": {"method": "simple_path", "path": "users[0].tags[1]", "outputField": "r7"}},
            {"jsonExtract": {"method": "simple_path", "path": "d['x y'].z"}}
            """#, #"{"data": {"a": {"b": [10, 20]}, "users": [{"name": "A", "tags": ["t1", "t2"]}, {"name": "B"}], "k.j": 5, "m": {"q": {"0": "z"}}, "d": {"x y": {"z": 1}}}}"#)
        #expect(s["r1"] == 20)
        #expect(s["r2"] == 2)
        #expect(s["r3"] == ["name": "B"])
        #expect(s["r4"] == 5)
        #expect(s["r5"] == "z")
        #expect(s["r6"] == ["name": "B"])
        #expect(s["r7"] == "t2")
        #expect(s["extractedValue"] == 1)
        #expect(s["_edgeContext"] == ["value": 1, "path": "d['x y'].z", "method": "simple_path", "outputField": "extractedValue", "message": "Successfully extracted value"])
    }

    @Test func jsonExtractNotFoundAndFallback() async throws {
        // A run without brackets is one key in bracket_notation: `.name` after `[1]`.
        let quirk = try await Self.state(#"{"jsonExtract": {"method": "bracket_notation", "path": "users[1].name"}}"#, #"{"data": {"users": [{}, {"name": "B"}]}}"#)
        #expect(quirk["_edgeContext"] == ["path": "users[1].name", "method": "bracket_notation", "message": "Path not found and no fallback value provided", "nodeId": "jsonExtract"])
        #expect(quirk["extractedValue"].isUndefined)
        let fallback = try await Self.state(#"{"jsonExtract": {"path": "x.y", "fallbackValue": "none", "outputField": "o"}}"#, #"{"data": {}}"#)
        #expect(fallback["o"] == "none")
        #expect(fallback["_edgeContext"] == ["value": "none", "path": "x.y", "usedFallback": true, "message": "Path not found, used fallback value"])
        let noData = try await Self.state(#"{"jsonExtract": {"path": "a", "fallbackValue": 0, "outputField": "o"}}, {"jsonExtract": {"path": "a", "outputField": "o2"}}"#, #"{"data": null}"#)
        #expect(noData["o"] == 0)
        #expect(noData["_edgeContext"] == ["error": "No data available to extract from", "path": "a", "nodeId": "jsonExtract"])
        // Without `data` the whole state is searched; null is a value, not a miss.
        let fromState = try await Self.state(#"{"jsonExtract": {"path": "user.nick", "not_found?": {"$.missed": true}, "success?": {"$.found": true}}}"#, #"{"user": {"nick": null}}"#)
        #expect(fromState["found"] == true)
        #expect(fromState["extractedValue"] == nil)
    }

    @Test func jsonExtractErrors() async throws {
        let missing = try await Self.state(#"{"jsonExtract": {"method": "dot_notation"}}"#)
        #expect(missing["_edgeContext"] == ["error": "Missing required parameter: path", "nodeId": "jsonExtract"])
        let unknown = try await Self.state(#"{"jsonExtract": {"method": "xpath", "path": "a"}}"#)
        #expect(unknown["_edgeContext"] == ["error": "Unknown method: xpath", "supportedMethods": ["dot_notation", "bracket_notation", "simple_path"], "nodeId": "jsonExtract"])
        let number = try await Self.state(#"{"jsonExtract": {"path": "$.n"}}"#, #"{"n": 5}"#)
        #expect(number["_edgeContext"]["error"] == #"path.split is not a function. (In 'path.split(".")', 'path.split' is undefined)"#)
    }

    // MARK: stringOperations

    @Test func stringOperationsCase() async throws {
        let s = try await Self.state(#"""
            {"stringOperations": {"operation": "capitalize", "field": "t", "outputField": "c"}},
            {"stringOperations": {"operation": "titleCase", "field": "t", "outputField": "tc"}},
            {"stringOperations": {"operation": "uppercase", "field": "t", "outputField": "up"}},
            {"stringOperations": {"operation": "lowercase", "field": "t", "outputField": "lo"}},
            {"stringOperations": {"operation": "titleCase", "field": "u", "outputField": "tu"}}
            """#, #"{"t": "hELLO  wORLD ΟΔΟΣ straße", "u": "élan vital"}"#)
        #expect(s["c"] == "Hello  world οδος straße")
        #expect(s["tc"] == "Hello  World Οδος Straße")
        #expect(s["up"] == "HELLO  WORLD ΟΔΟΣ STRASSE")
        #expect(s["lo"] == "hello  world οδος straße")
        #expect(s["tu"] == "Élan Vital")
        #expect(s["_edgeContext"] == ["result": "Élan Vital", "field": "tu", "operation": "titleCase", "originalValue": "élan vital"])
    }

    @Test func stringOperationsOverwriteTheFieldByDefault() async throws {
        let s = try await Self.state(#"""
            {"stringOperations": {"operation": "trim", "field": "user.name"}},
            {"stringOperations": {"operation": "uppercase", "field": "user.name", "outputField": "p.q.r"}},
            {"stringOperations": {"operation": "uppercase", "field": "user.tags.0", "outputField": "user.tags.1"}},
            {"stringOperations": {"operation": "trim", "field": "n", "outputField": "text"}},
            {"stringOperations": {"operation": "trim", "field": "o", "outputField": "object"}}
            """#, #"{"user": {"name": " Ann ", "tags": ["x"]}, "p": "str", "n": 5, "o": {"x": 1}}"#)
        #expect(s["user"] == ["name": "Ann", "tags": ["x", "X"]])
        #expect(s["p"] == ["q": ["r": "ANN"]])
        #expect(s["text"] == "5")
        #expect(s["object"] == "[object Object]")
        #expect(s["stringOperationResult"] == "[object Object]")
    }

    @Test func stringOperationsReplace() async throws {
        let s = try await Self.state(#"""
            {"stringOperations": {"operation": "replace", "field": "t", "searchValue": "-", "replaceValue": "[$&|$`|$'|$$|$1]", "outputField": "r1"}},
            {"stringOperations": {"operation": "replaceAll", "field": "t", "searchValue": ".", "replaceValue": "<$&>", "outputField": "r2"}},
            {"stringOperations": {"operation": "replaceRegex", "field": "t", "searchValue": "(\\w)-(\\w)", "replaceValue": "$2$1", "outputField": "r3"}},
            {"stringOperations": {"operation": "replaceAll", "field": "t", "searchValue": "", "replaceValue": "_", "outputField": "r4"}},
            {"stringOperations": {"operation": "replace", "field": "t", "searchValue": "zz", "outputField": "r5"}},
            {"stringOperations": {"operation": "replaceRegex", "field": "t", "searchValue": "[a-z]", "outputField": "r6"}},
            {"stringOperations": {"operation": "replaceRegex", "field": "d", "searchValue": "(?<y>\\d{4})-(?<m>\\d\\d)", "replaceValue": "$<m>/$<y>", "outputField": "r7"}},
            {"stringOperations": {"operation": "replaceRegex", "field": "d", "searchValue": "(?<=-)\\d+", "replaceValue": "#", "outputField": "r8"}}
            """#, #"{"t": "a-b-c a.b", "d": "2024-05 1999-12"}"#)
        #expect(s["r1"] == "a[-|a|b-c a.b|$|$1]b-c a.b")
        #expect(s["r2"] == "a-b-c a<.>b")
        #expect(s["r3"] == "ba-c a.b")
        #expect(s["r4"] == "_a_-_b_-_c_ _a_._b_")
        #expect(s["r5"] == "a-b-c a.b")
        #expect(s["r6"] == "-- .")
        #expect(s["r7"] == "05/2024 12/1999")
        #expect(s["r8"] == "2024-# 1999-#")
    }

    @Test func stringOperationsCutSplitJoinPad() async throws {
        let s = try await Self.state(#"""
            {"stringOperations": {"operation": "substring", "field": "t", "start": 7, "end": 2, "outputField": "a"}},
            {"stringOperations": {"operation": "slice", "field": "t", "start": -5, "outputField": "b"}},
            {"stringOperations": {"operation": "slice", "field": "t", "start": 2, "end": -2, "outputField": "c"}},
            {"stringOperations": {"operation": "substring", "field": "t", "start": -3, "end": 100, "outputField": "d"}},
            {"stringOperations": {"operation": "slice", "field": "t", "start": 5, "end": 2, "outputField": "e"}},
            {"stringOperations": {"operation": "substring", "field": "t", "start": 1.7, "outputField": "f"}},
            {"stringOperations": {"operation": "split", "field": "l", "separator": ",", "outputField": "g"}},
            {"stringOperations": {"operation": "split", "field": "l", "separator": "", "outputField": "h"}},
            {"stringOperations": {"operation": "concat", "field": "l", "values": ["-", 1, true, [1, 2]], "outputField": "i"}},
            {"stringOperations": {"operation": "pad", "field": "p", "length": 7, "padChar": "xy", "side": "both", "outputField": "j"}},
            {"stringOperations": {"operation": "pad", "field": "p", "length": 5, "side": "left", "padChar": "0", "outputField": "k"}},
            {"stringOperations": {"operation": "pad", "field": "p", "length": 1, "outputField": "m"}},
            {"stringOperations": {"operation": "pad", "field": "n", "length": 4, "side": "middle", "outputField": "o"}}
            """#, #"{"t": "héllo wörld", "l": "a,b,,c", "p": "ab", "n": 7}"#)
        #expect(s["a"] == "llo w")
        #expect(s["b"] == "wörld")
        #expect(s["c"] == "llo wör")
        #expect(s["d"] == "héllo wörld")
        #expect(s["e"] == "")
        #expect(s["f"] == "éllo wörld")
        #expect(s["g"] == ["a", "b", "", "c"])
        #expect(s["h"] == ["a", ",", "b", ",", ",", "c"])
        #expect(s["i"] == "a,b,,c-1true1,2")
        #expect(s["j"] == "xyxyabxyxyxy")
        #expect(s["k"] == "000ab")
        #expect(s["m"] == "ab")
        #expect(s["o"] == "7   ")
    }

    @Test func stringOperationsStripHTMLSlugifyTrim() async throws {
        let s = try await Self.state(#"""
            {"stringOperations": {"operation": "stripHTML", "field": "h", "outputField": "a"}},
            {"stringOperations": {"operation": "slugify", "field": "s", "outputField": "b"}},
            {"stringOperations": {"operation": "trim", "field": "w", "outputField": "c"}}
            """#, #"{"h": "<p>Hi &amp;lt; &nbsp;there&#39;s <b>x</b> a<b</p>", "s": "  Héllo, World!! -- Foo_bar  \t x ", "w": "\u00a0\ufeff x \u2028"}"#)
        #expect(s["a"] == "Hi <  there's x a")
        #expect(s["b"] == "hllo-world-foo_bar-x")
        #expect(s["c"] == "x")
    }

    @Test func stringOperationsErrors() async throws {
        let cases: [(String, String)] = [
            (#"{"field": "t"}"#, "Missing required parameter: operation"),
            (#"{"operation": "trim"}"#, "Missing required parameter: field"),
            (#"{"operation": "trim", "field": "nope"}"#, "Field value is null or undefined: nope"),
            (#"{"operation": "replace", "field": "t"}"#, "Replace operation requires searchValue parameter"),
            (#"{"operation": "replaceAll", "field": "t"}"#, "ReplaceAll operation requires searchValue parameter"),
            (#"{"operation": "replaceRegex", "field": "t"}"#, "ReplaceRegex operation requires searchValue parameter (regex pattern)"),
            (#"{"operation": "split", "field": "t"}"#, "Split operation requires separator parameter"),
            (#"{"operation": "substring", "field": "t"}"#, "Substring operation requires start parameter"),
            (#"{"operation": "slice", "field": "t"}"#, "Slice operation requires start parameter"),
            (#"{"operation": "concat", "field": "t"}"#, "Concat operation requires values parameter (array of strings)"),
            (#"{"operation": "pad", "field": "t"}"#, "Pad operation requires length parameter"),
            (#"{"operation": "reverse", "field": "t"}"#, "Unknown operation: reverse"),
            (#"{"operation": "replaceRegex", "field": "t", "searchValue": "a{2,1}"}"#, "Invalid regex pattern: a{2,1}. Invalid regular expression: numbers out of order in {} quantifier"),
            (#"{"operation": "replaceRegex", "field": "t", "searchValue": "(a"}"#, "Invalid regex pattern: (a. Invalid regular expression: missing )"),
            (#"{"operation": "replaceAll", "field": "t", "searchValue": "$.nothing"}"#, "ReplaceAll operation requires searchValue parameter"),
            (#"{"operation": "replaceAll", "field": "t", "searchValue": "$.nul"}"#, "null is not an object (evaluating 'searchValue.replace')"),
            (#"{"operation": "pad", "field": "t", "length": 10, "padChar": "$.nul"}"#, "null is not an object (evaluating 'padChar.repeat')"),
            (#"{"operation": "trim", "field": "$.n"}"#, #"path.split is not a function. (In 'path.split(".")', 'path.split' is undefined)"#),
        ]
        for (config, message) in cases {
            let s = try await Self.state(#"{"stringOperations": \#(config)}"#, #"{"t": "abc", "nul": null, "n": 5}"#)
            #expect(s["_edgeContext"]["error"] == .string(message), "\(config)")
            #expect(s["_edgeContext"]["nodeId"] == "stringOperations")
            #expect(s["t"] == "abc")
        }
        let unknown = try await Self.state(#"{"stringOperations": {"operation": "reverse", "field": "t"}}"#, #"{"t": "abc"}"#)
        #expect(unknown["_edgeContext"]["supportedOperations"].arrayValue?.count == 15)
    }

    // MARK: extractText

    @Test func extractTextRegex() async throws {
        let s = try await Self.state(#"""
            {"extractText": {"method": "regex", "field": "t", "pattern": "cat", "flags": "gi", "outputField": "a"}},
            {"extractText": {"method": "regex", "field": "t", "pattern": "(c)(a)t", "flags": "i", "outputField": "b"}},
            {"extractText": {"method": "regex", "field": "t", "pattern": "^\\w+$", "flags": "gm", "outputField": "c"}},
            {"extractText": {"method": "regex", "field": "t", "pattern": "(x)?cat", "outputField": "d"}},
            {"extractText": {"method": "regex", "field": "n", "pattern": "\\d{2}", "outputField": "e"}},
            {"extractText": {"method": "regex", "field": "o.a", "pattern": "\\d"}}
            """#, #"{"t": "Cat cat CAT\ndog", "n": 12345, "o": {"a": [1, 2]}}"#)
        #expect(s["a"] == ["Cat", "cat", "CAT"])
        #expect(s["b"] == ["C"])
        #expect(s["c"] == ["dog"])
        #expect(s["d"] == ["cat"])
        #expect(s["e"] == ["12", "34"])
        #expect(s["extractedText"] == ["1", "2"])
        #expect(s["_edgeContext"] == ["extracted": ["1", "2"], "matches": 2, "field": "o.a", "method": "regex"])
    }

    /// JavaScript regular expression semantics, through the regex method.
    @Test func extractTextUsesJavaScriptRegularExpressions() async throws {
        let cases: [(pattern: String, flags: String, text: String, expected: ScriptValue)] = [
            (#"(?<=\$)\d+(\.\d+)?"#, "g", "cost $10.50 and $3", [".50", "3"]),
            (#"(?<!\$)\b\d+"#, "g", "$10 20 x30", ["20"]),
            (#"\d"#, "g", "a1٣", ["1"]),
            (#"\w+"#, "g", "naïve café", ["na", "ve", "caf"]),
            (#"\s"#, "g", "a\u{0085}b\u{FEFF}c", ["\u{FEFF}"]),
            (#"a$"#, "g", "a\n", .undefined),
            (#"(?:(a)|b)+"#, "g", "ab", ["ab"]),
            (#"(a)|\1b"#, "g", "b", ["b"]),
            (#"[^]"#, "g", "a\n", ["a", "\n"]),
            (#"a{,2}"#, "g", "a{,2}", ["a{,2}"]),
            (#"\p{Lu}"#, "gu", "aBcD", ["B", "D"]),
            (#"."#, "gu", "😀", ["😀"]),
            (#"ß"#, "gi", "SS ß ẞ", ["ß"]),
            (#"(?<year>\d{4})-(?<month>\d{2})"#, "g", "2024-05 1999-12", ["2024", "1999"]),
            ("a", "y", "baa", .undefined),
        ]
        for c in cases {
            let pattern = ScriptJSON.stringify(.string(c.pattern))!, text = ScriptJSON.stringify(.string(c.text))!
            let s = try await Self.state(#"{"extractText": {"method": "regex", "field": "t", "pattern": \#(pattern), "flags": "\#(c.flags)", "outputField": "o"}}"#, #"{"t": \#(text)}"#)
            if c.expected.isUndefined {
                #expect(s["o"] == [], "\(c.pattern)")
                #expect(s["_edgeContext"] == ["field": "t", "method": "regex", "message": "No matches found", "count": 0])
            } else {
                #expect(s["o"] == c.expected, "\(c.pattern)")
            }
        }
    }

    @Test func extractTextBetweenAndPredefinedPatterns() async throws {
        let between = try await Self.state(#"{"extractText": {"method": "between", "field": "t", "startDelimiter": "[", "endDelimiter": "]"}}"#, #"{"t": "[a] [b\nc] [] [d]] x[e"}"#)
        #expect(between["extractedText"] == ["a", "", "d"])
        let text = "Mail a@b.co, a@b.co or x.y@z.org. Visit https://x.com/a?b=1, http://y.org. Call (555) 123-4567 or +1 555.123.4567 or 5551234567."
        let s = try await Self.state(#"""
            {"extractText": {"method": "extractAll", "field": "t", "extractType": "email", "outputField": "e"}},
            {"extractText": {"method": "extractAll", "field": "t", "extractType": "url", "outputField": "u"}},
            {"extractText": {"method": "extractAll", "field": "t", "extractType": "phone", "outputField": "p"}},
            {"extractText": {"method": "extractSpecific", "field": "t", "extractType": "email", "occurrence": 1, "outputField": "s1"}},
            {"extractText": {"method": "extractSpecific", "field": "t", "extractType": "email", "occurrence": 9, "outputField": "s2"}},
            {"extractText": {"method": "extractSpecific", "field": "t", "pattern": "(\\d+)", "occurrence": 2, "outputField": "s3"}}
            """#, #"{"t": "\#(text)"}"#)
        #expect(s["e"] == ["a@b.co", "x.y@z.org"])
        #expect(s["u"] == ["https://x.com/a?b=1,", "http://y.org."])
        #expect(s["p"] == [" (555) 123-4567", "+1 555.123.4567", " 5551234567"])
        #expect(s["s1"] == "a@b.co")
        #expect(s["s2"] == [])
        #expect(s["s3"] == "123")
        #expect(s["_edgeContext"] == ["extracted": "123", "matches": 1, "field": "t", "method": "extractSpecific"])
    }

    @Test func extractTextMissesAndErrors() async throws {
        let missing = try await Self.state(#"{"extractText": {"method": "regex", "field": "nope", "pattern": "a"}}"#)
        #expect(missing["_edgeContext"] == ["field": "nope", "message": "Field 'nope' not found in state", "nodeId": "extractText"])
        #expect(missing["extractedText"].isUndefined)
        let cases: [(String, String)] = [
            (#"{"field": "t"}"#, "Missing required parameter: method"),
            (#"{"method": "grep", "field": "t"}"#, "Invalid method parameter"),
            (#"{"method": "regex"}"#, "Missing required parameter: field"),
            (#"{"method": "regex", "field": "t"}"#, "Missing required parameter for regex method: pattern"),
            (#"{"method": "between", "field": "t", "startDelimiter": "["}"#, "Missing required parameters for between method: startDelimiter and endDelimiter"),
            (#"{"method": "extractAll", "field": "t", "extractType": "ip"}"#, "Invalid extractType: ip. Expected: email, url, phone, or custom"),
            (#"{"method": "extractSpecific", "field": "t"}"#, "Custom extract type requires pattern parameter"),
            (#"{"method": "extractSpecific", "field": "t", "occurrence": -1, "pattern": "x"}"#, "Occurrence must be a non-negative number"),
            (#"{"method": "regex", "field": "t", "pattern": "(?<a"}"#, "Invalid regex pattern: Invalid regular expression: invalid group specifier name"),
            (#"{"method": "regex", "field": "t", "pattern": "a", "flags": "gx"}"#, "Invalid regex pattern: Invalid flags supplied to RegExp constructor."),
        ]
        for (config, message) in cases {
            let s = try await Self.state(#"{"extractText": \#(config)}"#, #"{"t": "x"}"#)
            #expect(s["_edgeContext"]["error"] == .string(message), "\(config)")
        }
        // Upstream never returns from these (the same empty or non-global match forever).
        for config in [#"{"method": "regex", "field": "t", "pattern": "a*"}"#, #"{"method": "extractSpecific", "field": "t", "pattern": "x", "flags": "i"}"#] {
            let s = try await Self.state(#"{"extractText": \#(config)}"#, #"{"t": "x"}"#)
            #expect(s["_edgeContext"]["error"].stringValue?.contains("never end") == true)
        }
        let thrown = try await Self.run(#"{"extractText": {"method": "regex", "field": "$.n", "pattern": "a"}}"#, state: #"{"n": 5}"#)
        #expect(thrown.error == #"Node execution failed: extractText - path.split is not a function. (In 'path.split(".")', 'path.split' is undefined)"#)
    }

    // MARK: objectUtilities

    static let objects = #"""
        {"user": {"name": "A", "profile": {"age": 3, "tags": ["x"]}}, "arr": [1, 2], "s": "str",
         "other": {"name": "B", "profile": {"city": "C"}, "z": [1]}, "nul": null}
        """#

    @Test func objectUtilitiesInspects() async throws {
        let s = try await Self.state(#"""
            {"objectUtilities": {"operation": "keys", "field": "arr"}}, {"objectUtilities": {"operation": "values", "field": "s"}},
            {"objectUtilities": {"operation": "entries", "field": "user.profile", "outputField": "ent"}},
            {"objectUtilities": {"operation": "is_empty", "field": "nul"}},
            {"objectUtilities": {"operation": "keys", "field": "user.profile"}},
            {"objectUtilities": {"operation": "has_field", "field": "user", "path": "profile.tags.0", "outputField": "h1"}},
            {"objectUtilities": {"operation": "has_field", "field": "user", "path": "toString", "outputField": "h2"}},
            {"objectUtilities": {"operation": "has_field", "field": "arr", "path": "length", "outputField": "h3"}},
            {"objectUtilities": {"operation": "has_field", "field": "user", "path": "profile.zip", "outputField": "h4"}}
            """#, Self.objects)
        #expect(s["arr_keys"] == ["0", "1"])
        #expect(s["s_values"] == [])
        #expect(s["ent"] == [["age", 3], ["tags", ["x"]]])
        #expect(s["nul_is_empty"] == true)
        // The default output is a dotted path too: it lands inside `user`.
        #expect(s["user"]["profile_keys"] == ["age", "tags"])
        #expect(s["h1"] == true)
        #expect(s["h2"] == true)
        #expect(s["h3"] == true)
        #expect(s["h4"] == false)
        #expect(s["objectUtilResult"] == false)
        #expect(s["_edgeContext"] == ["result": false, "operation": "has_field", "field": "user", "outputField": "h4"])
    }

    @Test func objectUtilitiesMerges() async throws {
        let s = try await Self.state(#"""
            {"objectUtilities": {"operation": "merge", "field": "user", "mergeWith": "other", "outputField": "m1"}},
            {"objectUtilities": {"operation": "merge", "field": "user", "mergeWith": "other", "overwrite": false, "outputField": "m2"}},
            {"objectUtilities": {"operation": "deep_merge", "field": "user", "mergeWith": "other", "outputField": "m3"}},
            {"objectUtilities": {"operation": "merge", "field": "arr", "mergeWith": "other.z", "outputField": "m4"}},
            {"objectUtilities": {"operation": "merge", "field": "s", "mergeWith": "arr", "outputField": "m5"}}
            """#, Self.objects)
        #expect(s["m1"] == Self.json(#"{"name": "B", "profile": {"city": "C"}, "z": [1]}"#))
        #expect(s["m2"] == Self.json(#"{"name": "A", "profile": {"age": 3, "tags": ["x"]}, "z": [1]}"#))
        #expect(s["m3"] == Self.json(#"{"name": "B", "profile": {"age": 3, "tags": ["x"], "city": "C"}, "z": [1]}"#))
        #expect(s["m4"] == ["0": 1, "1": 2])
        #expect(s["m5"] == [1, 2])
    }

    @Test func objectUtilitiesNestedPathsWorkOnACopy() async throws {
        let s = try await Self.state(#"""
            {"objectUtilities": {"operation": "get_nested", "field": "user", "path": "profile.tags.0", "outputField": "g1"}},
            {"objectUtilities": {"operation": "get_nested", "field": "user", "path": "profile.nope", "outputField": "g2", "not_found?": {"$.missed": true}}},
            {"objectUtilities": {"operation": "set_nested", "field": "user", "path": "profile.tags.3", "value": "q", "outputField": "s1"}},
            {"objectUtilities": {"operation": "set_nested", "field": "user", "path": "name.first", "value": {"a": 1}, "outputField": "s2"}},
            {"objectUtilities": {"operation": "delete_nested", "field": "user", "path": "profile.tags.0", "outputField": "d1"}},
            {"objectUtilities": {"operation": "delete_nested", "field": "user", "path": "profile.age", "outputField": "d2"}},
            {"objectUtilities": {"operation": "delete_nested", "field": "user", "path": "nope.x", "outputField": "d3"}}
            """#, Self.objects)
        #expect(s["g1"] == "x")
        #expect(s["missed"] == true)
        #expect(s["s1"]["profile"]["tags"] == ["x", nil, nil, "q"])
        #expect(s["s2"]["name"] == ["first": ["a": 1]])
        #expect(s["d1"]["profile"]["tags"] == [nil])
        #expect(s["d2"]["profile"] == ["tags": ["x"]])
        #expect(s["d3"] == Self.json(#"{"name": "A", "profile": {"age": 3, "tags": ["x"]}}"#))
        #expect(s["user"] == Self.json(#"{"name": "A", "profile": {"age": 3, "tags": ["x"]}}"#))
    }

    @Test func objectUtilitiesErrors() async throws {
        let cases: [(String, ScriptValue)] = [
            (#"{"field": "user"}"#, ["error": "Missing required parameter: operation"]),
            (#"{"operation": "keys"}"#, ["error": "Missing required parameter: field"]),
            (#"{"operation": "keys", "field": "nope"}"#, ["error": "Field not found: nope", "field": "nope"]),
            (#"{"operation": "has_field", "field": "user"}"#, ["error": "Missing required parameter: path for has_field operation"]),
            (#"{"operation": "merge", "field": "user"}"#, ["error": "Missing required parameter: mergeWith for merge operation"]),
            (#"{"operation": "deep_merge", "field": "user", "mergeWith": "nope"}"#, ["error": "Deep merge source field not found: nope"]),
            (#"{"operation": "set_nested", "field": "user", "path": "a"}"#, ["error": "Missing required parameter: value for set_nested operation"]),
            (#"{"operation": "flip", "field": "user"}"#, ["error": "Unknown operation: flip"]),
        ]
        for (config, expected) in cases {
            let s = try await Self.state(#"{"objectUtilities": \#(config)}"#, Self.objects)
            #expect(s["_edgeContext"] == expected, "\(config)")
        }
        let thrown = try await Self.state(#"{"objectUtilities": {"operation": "keys", "field": "$.n"}}"#, #"{"n": 5}"#)
        #expect(thrown["_edgeContext"]["error"] == #"keyPath.split is not a function. (In 'keyPath.split(".")', 'keyPath.split' is undefined)"#)
        #expect(thrown["_edgeContext"]["operation"] == "keys")
    }

    // MARK: mathOperations

    @Test func mathOperationsModes() async throws {
        let s = try await Self.state(#"""
            {"mathOperations": {"operation": "power", "field1": "a", "field2": "b", "outputField": "p"}},
            {"mathOperations": {"operation": "modulo", "field1": "neg", "value": 2, "outputField": "m"}},
            {"mathOperations": {"operation": "subtract", "field1": "n.v", "value": 0.1, "outputField": "s", "precision": 2}},
            {"mathOperations": {"operation": "round", "mode": "single_field", "field1": "neg", "outputField": "r"}},
            {"mathOperations": {"operation": "abs", "mode": "single_field", "field1": "b", "outputField": "ab"}},
            {"mathOperations": {"operation": "multiply", "field1": "h", "value": 100, "precision": 0, "outputField": "hp"}},
            {"mathOperations": {"operation": "average", "mode": "aggregate", "fields": ["a", "b", "missing", "n.v"], "precision": 3}},
            {"mathOperations": {"operation": "min", "mode": "aggregate", "fields": ["a", "neg"], "outputField": "mn"}}
            """#, #"{"a": 10, "b": "4", "n": {"v": 2.5}, "neg": -2.5, "h": 1.005}"#)
        #expect(s["p"] == 10000)
        #expect(s["m"] == -0.5)
        #expect(s["s"] == 2.4)
        #expect(s["r"] == -2)
        #expect(s["ab"] == 4)
        #expect(s["hp"] == 100)
        #expect(s["result"] == 5.5)
        #expect(s["mn"] == -2.5)
        #expect(s["mathOperationsResult"]["operation"] == "min")
        #expect(s["mathOperationsResult"]["mode"] == "aggregate")
        #expect(s["mathOperationsResult"]["outputField"] == "mn")
        #expect(s["mathOperationsResult"]["timestamp"].stringValue?.hasSuffix("Z") == true)
        #expect(s["_edgeContext"] == ["result": -2.5, "outputField": "mn", "operation": "min", "mode": "aggregate"])
    }

    @Test func mathOperationsUsesValueAsGiven() async throws {
        let s = try await Self.state(#"""
            {"mathOperations": {"operation": "add", "field1": "a", "value": "$.v", "outputField": "r1"}},
            {"mathOperations": {"operation": "divide", "field1": "a", "value": "$.z", "outputField": "r2"}},
            {"mathOperations": {"operation": "add", "field1": "a", "value": "$.v", "precision": 1, "outputField": "r3"}}
            """#, #"{"a": 10, "v": "5", "z": "0"}"#)
        #expect(s["r1"] == "105")
        #expect(s["r2"] == nil)
        #expect(s["r3"] == 105)
    }

    @Test func mathOperationsErrors() async throws {
        let cases: [(String, String)] = [
            (#"{"field1": "a"}"#, "Missing operation parameter"),
            (#"{"operation": "sqrt", "mode": "single_field", "field1": "neg"}"#, "Cannot calculate square root of negative number"),
            (#"{"operation": "sqrt", "mode": "single_field"}"#, "field1 parameter is required for single_field mode"),
            (#"{"operation": "add", "mode": "single_field", "field1": "a"}"#, #"Operation "add" is not supported in single_field mode. Use sqrt, round, ceil, floor, or abs."#),
            (#"{"operation": "add", "field1": "a"}"#, "Either field2 or value parameter is required for multiple_fields mode"),
            (#"{"operation": "add", "field1": "c", "value": 1}"#, #"Field "c" value is not a valid number: x"#),
            (#"{"operation": "add", "field1": "nope", "value": 1}"#, #"Field "nope" not found in state or has null/undefined value"#),
            (#"{"operation": "add", "mode": "weird", "field1": "a", "value": 1}"#, "Invalid mode: weird"),
            (#"{"operation": "divide", "field1": "a", "field2": "z"}"#, "Division by zero is not allowed"),
            (#"{"operation": "modulo", "field1": "a", "value": 0}"#, "Modulo by zero is not allowed"),
            (#"{"operation": "root", "field1": "a", "value": 2}"#, #"Operation "root" is not supported in multiple_fields mode. Use add, subtract, multiply, divide, power, or modulo."#),
            (#"{"operation": "sum", "mode": "aggregate"}"#, "fields parameter is required for aggregate mode and must be a non-empty array"),
            (#"{"operation": "sum", "mode": "aggregate", "fields": ["nope"]}"#, "No valid numeric values found in specified fields"),
            (#"{"operation": "median", "mode": "aggregate", "fields": ["a"]}"#, #"Operation "median" is not supported in aggregate mode. Use sum, add, average, min, max, or multiply."#),
        ]
        for (config, message) in cases {
            let s = try await Self.state(#"{"mathOperations": \#(config)}"#, #"{"a": 10, "c": "x", "z": 0, "neg": -1}"#)
            #expect(s["_edgeContext"]["error"] == .string(message), "\(config)")
            #expect(s["_edgeContext"]["nodeId"] == "mathOperations")
            #expect(s["result"].isUndefined)
        }
    }

    // MARK: registry

    @Test func theNodesAreRegisteredWithUpstreamMetadata() {
        let registry = NodeLibrary.registry()
        let ids = ["editFields", "summarize", "transformObject", "jsonExtract", "stringOperations", "extractText", "objectUtilities", "mathOperations"]
        let nodes = NodeLibrary.builtIn.filter { ids.contains($0.metadata.id) }
        #expect(nodes.count == ids.count)
        for node in nodes {
            #expect(registry.contains(node.metadata.id))
            #expect(node.metadata.category == "dataManipulation")
            #expect(node.metadata.version == "1.0.0")
            #expect(!node.metadata.config.isEmpty)
        }
        let extract = NodeLibrary.builtIn.first { $0.metadata.id == "extractText" }!.metadata
        #expect(extract.name == "Extract Text")
        #expect(extract.hints.expectedEdges == ["success", "not_found", "error"])
        #expect(extract.hints.postToState == ["extractedText", "<outputField>"])
    }
}
