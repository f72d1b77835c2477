import PlinthWorkscriptEngine
import Testing

/// The collection nodes (`every-array-item`, `while`, `splitOut`, `aggregate`,
/// `removeDuplicates`, `sort`, `limit`, `arrayUtilities`, `filter`, `compareDatasets`).
/// The `UpstreamCases` workflows were run through upstream's engine; their final states are
/// what ours must end in, with the volatile keys (timestamps, stack texts) blanked.
@Suite struct CollectionsNodeTests {
    static let volatileKeys: Set<String> = ["_edgeContextTimestamp", "createdAt", "details", "timestamp", "updatedAt"]

    static func run(_ json: String) async throws -> ExecutionResult {
        let workflow = try WorkflowParser(registry: NodeLibrary.registry()).parse(json: json)
        return await WorkflowEngine().run(workflow)
    }

    static func blankVolatile(_ value: ScriptValue) -> ScriptValue {
        switch value {
        case .array(let items): return .array(items.map(blankVolatile))
        case .object(let object):
            var out = ScriptObject()
            for (key, member) in object { out[key] = volatileKeys.contains(key) ? "<volatile>" : blankVolatile(member) }
            return .object(out)
        default: return value
        }
    }

    /// The top-level keys whose values differ, as JSON, for a readable failure.
    static func differences(_ ours: ScriptValue, _ upstream: ScriptValue) -> String {
        let a = ours.objectValue ?? [:], b = upstream.objectValue ?? [:]
        return Set(a.keys + b.keys).sorted().filter { a[$0] != b[$0] }
            .map { "\($0): ours \(ScriptJSON.stringify(a[$0]) ?? "nothing"), upstream \(ScriptJSON.stringify(b[$0]) ?? "nothing")" }
            .joined(separator: "; ")
    }

    /// Runs one node directly, with `state` as both state and inputs (as a top-level step sees
    /// them when the previous step left no edge data).
    static func execute(_ node: any WorkflowNode, _ config: ScriptObject, state: ScriptObject = [:], nodeId: String? = nil) async throws -> (edges: [NodeEdge], state: ScriptObject) {
        var context = NodeContext(state: state, inputs: state, workflowId: "w", nodeId: nodeId ?? node.metadata.id, executionId: "e")
        let edges = try await node.execute(&context, config: config)
        return (edges, context.state)
    }

    @Test(arguments: UpstreamCase.everyArrayItem + UpstreamCase.whileLoop + UpstreamCase.splitOut + UpstreamCase.aggregate
          + UpstreamCase.removeDuplicates + UpstreamCase.sort + UpstreamCase.limit + UpstreamCase.arrayUtilities
          + UpstreamCase.filter + UpstreamCase.compareDatasets + UpstreamCase.typeErrors)
    func endsAsUpstreamEnds(_ test: UpstreamCase) async throws {
        let result = try await Self.run(test.workflow)
        if let error = test.error {
            #expect(result.status == .failed)
            #expect(result.error == error)
        } else {
            #expect(result.status == .completed, "\(result.error ?? "")")
            let state = Self.blankVolatile(.object(result.finalState ?? [:]))
            let expected = try ScriptJSON.parse(test.state)
            #expect(state == expected, "\(Self.differences(state, expected))")
        }
    }

    // MARK: Metadata and registration

    @Test func everyNodeIsRegisteredUnderUpstreamsIdAsADataNode() throws {
        let registry = NodeLibrary.registry()
        let ids = ["every-array-item", "while", "splitOut", "aggregate", "removeDuplicates", "sort", "limit", "arrayUtilities", "filter", "compareDatasets"]
        for id in ids { #expect(registry.contains(id), "\(id)") }
        let nodes = NodeLibrary.builtIn.filter { ids.contains($0.metadata.id) }
        #expect(nodes.count == ids.count)
        for node in nodes {
            #expect(node.metadata.category == "dataManipulation")
            #expect(node.metadata.version == "1.0.0")
            #expect(!node.metadata.hints.expectedEdges.isEmpty)
        }
        #expect(WhileNode().metadata.hints.expectedEdges == ["do", "done", "error"])
        #expect(FilterNode().metadata.hints.expectedEdges == ["passed", "filtered", "error"])
        #expect(EveryArrayItemNode().metadata.name == "Every Array Item")
    }

    // MARK: every-array-item and while

    @Test func everyArrayItemHandsOutOneElementPerRunThenCompletes() async throws {
        let node = EveryArrayItemNode()
        var (edges, state) = try await Self.execute(node, ["items": ["a", "b"]], nodeId: "each...")
        #expect(edges == [NodeEdge("current-item", ["item": "a", "index": 0, "totalItems": 2, "isFirst": true, "isLast": false, "remaining": 1])])
        #expect(state["currentItem"] == "a")
        #expect(state["__everyArrayItem_each..."] == ["items": ["a", "b"], "currentIndex": 1, "totalItems": 2, "initialized": true])
        // Later runs read the record, not the config.
        (edges, state) = try await Self.execute(node, ["items": "ignored"], state: state, nodeId: "each...")
        #expect(edges.first?.name == "current-item")
        #expect(state["everyArrayItemIsLast"] == true)
        (edges, state) = try await Self.execute(node, [:], state: state, nodeId: "each...")
        #expect(edges == [NodeEdge("complete", ["message": "All items have been processed", "totalItems": 2, "itemsProcessed": 2])])
        #expect(state["currentIndex"] == 2)
        #expect(state["currentItem"] == .undefined)
    }

    @Test func everyArrayItemReportsWhatItGotInsteadOfAnArray() async throws {
        let (edges, _) = try await Self.execute(EveryArrayItemNode(), ["items": "abc"])
        #expect(edges == [NodeEdge("error", ["error": "Parameter \"items\" must be an array", "nodeId": "every-array-item",
                                             "expected": "array", "received": "string", "value": "abc"])])
    }

    @Test func whileCountsItsRunsAndStopsAtMaxIterations() async throws {
        let node = WhileNode()
        var (edges, state) = try await Self.execute(node, ["condition": true, "maxIterations": 1], nodeId: "w")
        #expect(edges == [NodeEdge("do", ["iteration": 0, "isFirst": true, "conditionWasTrue": true, "nodeId": "w"])])
        #expect(state["__while_w"] == ["currentIteration": 1, "maxIterations": 1, "initialized": true])
        (edges, state) = try await Self.execute(node, ["condition": true], state: state, nodeId: "w")
        #expect(edges.first?.name == "error")
        #expect(edges.first?.data["error"] == "Maximum iterations (1) exceeded")
        #expect(edges.first?.data["iterationsExecuted"] == 1)
    }

    // MARK: removeDuplicates, filter and the random orders

    @Test func removeDuplicatesOffersBothEdgesAndKeptComesFirst() async throws {
        let (edges, state) = try await Self.execute(RemoveDuplicatesNode(), [:], state: ["items": [1, 2, 1]])
        #expect(edges.map(\.name) == ["kept", "discarded"])
        #expect(edges[0].data == ["items": [1, 2], "keptCount": 2, "discardedCount": 1])
        #expect(edges[1].data == ["items": [1], "discardedCount": 1])
        #expect(state["deduplicationSummary"]["totalItems"] == 3)
    }

    @Test func canonicallyEquivalentTextsAreDifferentValuesAndKeys() async throws {
        // "é" precomposed and decomposed: one string to Swift's `==`, two to JavaScript.
        let (composed, decomposed) = ("\u{E9}", "e\u{301}")
        let (edges, _) = try await Self.execute(RemoveDuplicatesNode(), [:], state: ["items": [.string(composed), .string(decomposed)]])
        #expect(edges[0].data["keptCount"] == 2)
        let object = try ScriptJSON.parse(#"{"\u00e9": 1, "e\u0301": 2}"#)
        #expect(object.objectValue?.count == 2)
        #expect(object.objectValue?[decomposed] == 2)
    }

    @Test func filterTakesPassedEvenWhenNothingPasses() async throws {
        let (edges, state) = try await Self.execute(FilterNode(), ["items": [["v": 1]], "conditions": [["field": "v", "dataType": "number", "operation": "gt", "value": 3]]])
        #expect(edges == [NodeEdge("passed", ["items": [], "passedCount": 0, "filteredCount": 1, "totalCount": 1])])
        #expect(state["filterStats"] == ["passedCount": 0, "filteredCount": 1, "totalCount": 1, "passRate": 0])
    }

    @Test func filterReadsDatesAsJavaScriptDoes() async throws {
        let items: ScriptValue = [["d": "2024-01-15"], ["d": "2024-01-15T10:00:00+02:00"], ["d": "Jan 16 2024 10:00 GMT+0100"], ["d": "01/17/2024"],
                                  ["d": 1_705_276_800_000], ["d": "not a date"]]
        let (edges, _) = try await Self.execute(FilterNode(), ["items": items, "conditions": [["field": "d", "dataType": "date", "operation": "between",
                                                                                                 "value": "2024-01-15T00:00:00Z", "value2": "2024-01-16T09:00:00Z"]]])
        #expect(edges.first?.data["items"] == [["d": "2024-01-15"], ["d": "2024-01-15T10:00:00+02:00"], ["d": "Jan 16 2024 10:00 GMT+0100"], ["d": 1_705_276_800_000]])
    }

    @Test func filterRegexUsesJavaScriptsSyntax() async throws {
        let items: ScriptValue = [["s": "a1"], ["s": "end\n"], ["s": "x{y"], ["s": "٣"]]
        for (pattern, expected) in [(#"\d"#, [["s": "a1"]] as ScriptValue), ("end$", []), ("x{y", [["s": "x{y"]]), ("[", []), (#"\w{2}"#, [["s": "a1"], ["s": "end\n"]])] {
            let (edges, _) = try await Self.execute(FilterNode(), ["items": items, "conditions": [["field": "s", "dataType": "string", "operation": "regex", "value": .string(pattern)]]])
            #expect(edges.first?.data["items"] == expected, "\(pattern)")
        }
    }

    @Test func randomSortAndShuffleKeepEveryItem() async throws {
        let items: ScriptValue = [1, 2, 3, 4, 5, 6, 7, 8]
        let (edges, state) = try await Self.execute(SortNode(), ["type": "random"], state: ["items": items])
        let sorted = try #require(edges.first?.data["items"].arrayValue)
        #expect(edges.first?.name == "success")
        #expect(edges.first?.data["sortType"] == "random")
        #expect(edges.first?.data["count"] == 8)
        #expect(sorted.sorted { $0.jsNumber < $1.jsNumber } == items.arrayValue)
        #expect(state["sortedItems"] == .array(sorted))
        for operation: ScriptValue in ["shuffle", "sample"] {
            let (edges, _) = try await Self.execute(ArrayUtilitiesNode(), ["operation": operation, "field": "list", "sampleSize": 3], state: ["list": items])
            let result = try #require(edges.first?.data["listResult"].arrayValue)
            #expect(result.count == (operation == "sample" ? 3 : 8))
            #expect(Set(result).isSubset(of: Set(items.arrayValue!)))
            #expect(Set(result).count == result.count)
        }
    }

    /// The declared config types make a literal of another type a validation problem, where
    /// upstream would run and take the node's `error` edge; a `$.` value is checked at run time.
    @Test func aLiteralOfTheWrongTypeIsRejectedBeforeTheRun() async throws {
        #expect(throws: (any Error).self) {
            _ = try WorkflowParser(registry: NodeLibrary.registry()).parse(json: """
                {"id": "w", "name": "w", "version": "1.0.0", "workflow": [{"filter": {"items": "x", "conditions": []}}]}
                """)
        }
    }

    @Test func arrayUtilitiesFailsTheStepForAFieldThatIsNotText() async throws {
        await #expect(throws: NodeFailure.self) {
            _ = try await Self.execute(ArrayUtilitiesNode(), ["field": 5])
        }
    }
}

/// A workflow and how upstream's engine ended it.
struct UpstreamCase: Sendable, CustomTestStringConvertible {
    let workflow: String
    let state: String
    let error: String?

    init(_ workflow: String, state: String) { (self.workflow, self.state, self.error) = (workflow, state, nil) }
    init(_ workflow: String, error: String) { (self.workflow, self.state, self.error) = (workflow, "", error) }

    var testDescription: String {
        guard let start = workflow.range(of: #""id":""#), let end = workflow[start.upperBound...].firstIndex(of: "\"") else { return "workflow" }
        return String(workflow[start.upperBound..<end])
    }
}

extension UpstreamCase {
    static let everyArrayItem: [UpstreamCase] = [
        UpstreamCase(#"{"id":"eai-complete-route-loops","name":"eai-complete-route-loops","version":"1.0.0","workflow":[{"every-array-item...":{"items":[1],"current-item?":{"log":{"message":"item"}},"complete?":{"log":{"message":"done"}}}}]}"#,
                     error: #"Loop limit exceeded for node: every-array-item..."#),
        UpstreamCase(#"{"id":"eai-custom-keys","name":"eai-custom-keys","version":"1.0.0","workflow":[{"every-array-item...":{"items":[{"n":1},{"n":2}],"itemKey":"row","indexKey":"i","stateKey":"progress","current-item?":{"math":{"operation":"add","values":["$.total","$.row.n"],"success?":{"$.total":"$.mathResult"}}}}}],"initialState":{"total":0}}"#,
                     state: #"{"_edgeContext":{"itemsProcessed":2,"message":"All items have been processed","totalItems":2},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.total","path":"total","timestamp":"<volatile>","value":3},"everyArrayItemIsFirst":false,"everyArrayItemIsLast":true,"everyArrayItemTotal":2,"i":2,"mathResult":3,"progress":{"currentIndex":2,"initialized":true,"items":[{"n":1},{"n":2}],"totalItems":2},"total":3}"#),
        UpstreamCase(#"{"id":"eai-custom-statekey-shared","name":"eai-custom-statekey-shared","version":"1.0.0","workflow":[{"every-array-item...":{"items":[1,2],"stateKey":"k"}},{"every-array-item...":{"items":[3],"stateKey":"k","current-item?":{"log":{"message":"never"}}}}]}"#,
                     state: #"{"_edgeContext":{"itemsProcessed":2,"message":"All items have been processed","totalItems":2},"_edgeContextTimestamp":"<volatile>","currentIndex":2,"everyArrayItemIsFirst":false,"everyArrayItemIsLast":true,"everyArrayItemTotal":2,"k":{"currentIndex":2,"initialized":true,"items":[1,2],"totalItems":2},"lastLoggedMessage":"never"}"#),
        UpstreamCase(#"{"id":"eai-empty","name":"eai-empty","version":"1.0.0","workflow":[{"every-array-item...":{"items":[],"current-item?":{"log":{"message":"x"}}}}]}"#,
                     state: #"{"_edgeContext":{"itemsProcessed":0,"message":"Array is empty, no items to process","totalItems":0},"_edgeContextTimestamp":"<volatile>","currentIndex":-1,"everyArrayItemIsFirst":false,"everyArrayItemIsLast":false,"everyArrayItemTotal":0}"#),
        UpstreamCase(#"{"id":"eai-errors","name":"eai-errors","version":"1.0.0","workflow":[{"every-array-item":{"items":"$.missing","error?":"log"}},"log",{"every-array-item":{"items":"$.text"}}],"initialState":{"text":"abc"}}"#,
                     state: #"{"_edgeContext":{"error":"Parameter \"items\" must be an array","expected":"array","nodeId":"every-array-item","received":"string","value":"abc"},"_edgeContextTimestamp":"<volatile>","text":"abc"}"#),
        UpstreamCase(#"{"id":"eai-loop","name":"eai-loop","version":"1.0.0","workflow":[{"every-array-item...":{"items":"$.list","current-item?":{"log":{"message":"{{$.currentItem}}"}}}},"log"],"initialState":{"list":["a","b","c"]}}"#,
                     state: #"{"__everyArrayItem_every-array-item...":{"currentIndex":3,"initialized":true,"items":["a","b","c"],"totalItems":3},"_edgeContext":{},"_edgeContextTimestamp":"<volatile>","currentIndex":3,"everyArrayItemIsFirst":false,"everyArrayItemIsLast":true,"everyArrayItemTotal":3,"list":["a","b","c"]}"#),
        UpstreamCase(#"{"id":"eai-single","name":"eai-single","version":"1.0.0","workflow":[{"every-array-item":{"items":[5,6]}}]}"#,
                     state: #"{"__everyArrayItem_every-array-item":{"currentIndex":1,"initialized":true,"items":[5,6],"totalItems":2},"_edgeContext":{"index":0,"isFirst":true,"isLast":false,"item":5,"remaining":1,"totalItems":2},"_edgeContextTimestamp":"<volatile>","currentIndex":0,"currentItem":5,"everyArrayItemIsFirst":true,"everyArrayItemIsLast":false,"everyArrayItemTotal":2}"#),
        UpstreamCase(#"{"id":"eai-twice","name":"eai-twice","version":"1.0.0","workflow":[{"every-array-item...":{"items":[1,2],"current-item?":{"log":{"message":"{{$.currentItem}}"}}}},{"every-array-item...":{"items":[7,8,9],"current-item?":{"log":{"message":"{{$.currentItem}}"}}}}]}"#,
                     state: #"{"__everyArrayItem_every-array-item...":{"currentIndex":2,"initialized":true,"items":[1,2],"totalItems":2},"_edgeContext":{"itemsProcessed":2,"message":"All items have been processed","totalItems":2},"_edgeContextTimestamp":"<volatile>","currentIndex":2,"everyArrayItemIsFirst":false,"everyArrayItemIsLast":true,"everyArrayItemTotal":2,"lastLoggedMessage":"2"}"#),
    ]

    static let whileLoop: [UpstreamCase] = [
        UpstreamCase(#"{"id":"while-count","name":"while-count","version":"1.0.0","workflow":[{"while...":{"condition":{"left":"$.count","operator":"<","right":3},"do?":[{"math":{"operation":"add","values":["$.count",1]}},{"$.count":"$.mathResult"}]}},"log"],"initialState":{"count":0}}"#,
                     state: #"{"__while_while...":{"currentIteration":3,"initialized":true,"maxIterations":1000},"_edgeContext":{},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.count","path":"count","timestamp":"<volatile>","value":3},"count":3,"mathResult":3,"whileIsFirst":false,"whileIteration":3}"#),
        UpstreamCase(#"{"id":"while-done-jump","name":"while-done-jump","version":"1.0.0","workflow":[{"while...":{"condition":{"left":"$.n","operator":"lessOrEqual","right":1},"do?":[{"math":{"operation":"add","values":["$.n",1]}},{"$.n":"$.mathResult"}],"done?":"log"}},"empty",{"log":{"message":"end"}}],"initialState":{"n":0}}"#,
                     state: #"{"__while_while...":{"currentIteration":2,"initialized":true,"maxIterations":1000},"_edgeContext":{"message":"end"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.n","path":"n","timestamp":"<volatile>","value":2},"lastLoggedMessage":"end","mathResult":2,"n":2,"whileIsFirst":false,"whileIteration":2}"#),
        UpstreamCase(#"{"id":"while-errors","name":"while-errors","version":"1.0.0","workflow":[{"while":{"condition":"$.nope"}},{"while":{"condition":true,"maxIterations":0,"stateKey":"w2"}},{"while":{"condition":{"left":1,"operator":"~","right":2},"stateKey":"w3"}}]}"#,
                     state: #"{"_edgeContext":{"details":"<volatile>","error":"Unknown operator: ~","nodeId":"while"},"_edgeContextTimestamp":"<volatile>"}"#),
        UpstreamCase(#"{"id":"while-false","name":"while-false","version":"1.0.0","workflow":[{"while...":{"condition":false,"do?":{"log":{"message":"never"}}}}]}"#,
                     state: #"{"_edgeContext":{"message":"While loop condition is false, exiting loop","nodeId":"while...","totalIterations":0},"_edgeContextTimestamp":"<volatile>","whileIsFirst":false,"whileIteration":0}"#),
        UpstreamCase(#"{"id":"while-max","name":"while-max","version":"1.0.0","workflow":[{"while...":{"condition":true,"maxIterations":2,"iterationKey":"n","do?":{"log":{"message":"{{$.n}}"}}}}]}"#,
                     state: #"{"__while_while...":{"currentIteration":2,"initialized":true,"maxIterations":2},"_edgeContext":{"error":"Maximum iterations (2) exceeded","iterationsExecuted":2,"nodeId":"while...","suggestion":"Check your loop condition or increase maxIterations if intentional"},"_edgeContextTimestamp":"<volatile>","lastLoggedMessage":"1","n":2,"whileIsFirst":false}"#),
        UpstreamCase(#"{"id":"while-ops","name":"while-ops","version":"1.0.0","workflow":[{"while":{"condition":{"left":"5","operator":"==","right":5},"stateKey":"a","iterationKey":"ia"}},{"while":{"condition":{"left":"5","operator":"===","right":5},"stateKey":"b","iterationKey":"ib"}},{"while":{"condition":{"left":"10","operator":"greaterOrEqual","right":"9"},"stateKey":"c","iterationKey":"ic"}},{"while":{"condition":"text","stateKey":"d","iterationKey":"id"}},{"while":{"condition":0,"stateKey":"e","iterationKey":"ie"}}]}"#,
                     state: #"{"_edgeContext":{"message":"While loop condition is false, exiting loop","nodeId":"while","totalIterations":0},"_edgeContextTimestamp":"<volatile>","a":{"currentIteration":1,"initialized":true,"maxIterations":1000},"c":{"currentIteration":1,"initialized":true,"maxIterations":1000},"d":{"currentIteration":1,"initialized":true,"maxIterations":1000},"ia":0,"ib":0,"ic":0,"id":0,"ie":0,"whileIsFirst":false}"#),
    ]

    static let splitOut: [UpstreamCase] = [
        UpstreamCase(#"{"id":"split-edge","name":"split-edge","version":"1.0.0","workflow":[{"math":{"operation":"add","values":[1]}},{"$.nums":[1,2]},{"splitOut":{"arrayPath":"nums","keepParentData":false}}]}"#,
                     state: #"{"_edgeContext":{"arrayPath":"nums","count":2,"items":[{"item":1},{"item":2}],"message":"Successfully split 2 items from array at \"nums\""},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.nums","path":"nums","timestamp":"<volatile>","value":[1,2]},"mathResult":1,"nums":[1,2],"splitOutCount":2,"splitOutResult":[{"item":1},{"item":2}]}"#),
        UpstreamCase(#"{"id":"split-empty-null","name":"split-empty-null","version":"1.0.0","workflow":[{"splitOut":{"arrayPath":"empty"}},{"splitOut":{"arrayPath":"nothing"}},"log"],"initialState":{"empty":[],"nothing":null}}"#,
                     state: #"{"_edgeContext":{},"_edgeContextTimestamp":"<volatile>","empty":[],"nothing":null,"splitOutCount":0,"splitOutResult":[]}"#),
        UpstreamCase(#"{"id":"split-errors","name":"split-errors","version":"1.0.0","workflow":[{"splitOut":{"arrayPath":"missing.path"}},{"$.a":1},{"splitOut":{"arrayPath":"scalar"}},{"splitOut":{}}],"initialState":{"scalar":5}}"#,
                     state: #"{"_edgeContext":{"error":"Missing or invalid required parameter: arrayPath","expected":"string (dot notation path to array field)","nodeId":"splitOut","received":"undefined"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.a","path":"a","timestamp":"<volatile>","value":1},"a":1,"scalar":5}"#),
        UpstreamCase(#"{"id":"split-parent","name":"split-parent","version":"1.0.0","workflow":[{"splitOut":{"arrayPath":"order.lines"}}],"initialState":{"order":{"id":7,"lines":[{"sku":"a"},{"sku":"b"}]},"other":1}}"#,
                     state: #"{"_edgeContext":{"arrayPath":"order.lines","count":2,"items":[{"_nodeConfig":{"arrayPath":"order.lines"},"item":{"sku":"a"},"order":{"id":7},"other":1},{"_nodeConfig":{"arrayPath":"order.lines"},"item":{"sku":"b"},"order":{"id":7},"other":1}],"message":"Successfully split 2 items from array at \"order.lines\""},"_edgeContextTimestamp":"<volatile>","order":{"id":7,"lines":[{"sku":"a"},{"sku":"b"}]},"other":1,"splitOutCount":2,"splitOutResult":[{"_nodeConfig":{"arrayPath":"order.lines"},"item":{"sku":"a"},"order":{"id":7},"other":1},{"_nodeConfig":{"arrayPath":"order.lines"},"item":{"sku":"b"},"order":{"id":7},"other":1}]}"#),
        UpstreamCase(#"{"id":"split-plain","name":"split-plain","version":"1.0.0","workflow":[{"splitOut":{"arrayPath":"tags","keepParentData":false,"as":"tag"}}],"initialState":{"tags":["x","y"]}}"#,
                     state: #"{"_edgeContext":{"arrayPath":"tags","count":2,"items":[{"tag":"x"},{"tag":"y"}],"message":"Successfully split 2 items from array at \"tags\""},"_edgeContextTimestamp":"<volatile>","splitOutCount":2,"splitOutResult":[{"tag":"x"},{"tag":"y"}],"tags":["x","y"]}"#),
    ]

    static let aggregate: [UpstreamCase] = [
        UpstreamCase(#"{"id":"agg-after-split","name":"agg-after-split","version":"1.0.0","workflow":[{"splitOut":{"arrayPath":"list","keepParentData":false,"as":"n"}},{"aggregate":{"mode":"individual_fields","fields":[{"inputFieldName":"n","outputFieldName":"ns"}]}}],"initialState":{"list":[1,2,3]}}"#,
                     state: #"{"_edgeContext":{"aggregatedData":{"ns":[1,2,3]},"itemCount":3,"mode":"individual_fields"},"_edgeContextTimestamp":"<volatile>","aggregatedData":{"ns":[1,2,3]},"itemCount":3,"list":[1,2,3],"splitOutCount":3,"splitOutResult":[{"n":1},{"n":2},{"n":3}]}"#),
        UpstreamCase(#"{"id":"agg-all","name":"agg-all","version":"1.0.0","workflow":[{"aggregate":{}}],"initialState":{"items":[{"a":1,"_binary":"b"},{"a":2}]}}"#,
                     state: #"{"_edgeContext":{"aggregatedData":{"data":[{"a":1},{"a":2}]},"itemCount":2,"mode":"all_data"},"_edgeContextTimestamp":"<volatile>","aggregatedData":{"data":[{"a":1},{"a":2}]},"itemCount":2,"items":[{"_binary":"b","a":1},{"a":2}]}"#),
        UpstreamCase(#"{"id":"agg-all-bin","name":"agg-all-bin","version":"1.0.0","workflow":[{"aggregate":{"outputField":"rows","includeBinaries":true}}],"initialState":{"items":[{"a":1,"_binary":"b"},{"a":2}]}}"#,
                     state: #"{"_edgeContext":{"aggregatedData":{"rows":[{"_binary":"b","a":1},{"a":2}]},"itemCount":2,"mode":"all_data"},"_edgeContextTimestamp":"<volatile>","aggregatedData":{"rows":[{"_binary":"b","a":1},{"a":2}]},"itemCount":2,"items":[{"_binary":"b","a":1},{"a":2}]}"#),
        UpstreamCase(#"{"id":"agg-edge-items","name":"agg-edge-items","version":"1.0.0","workflow":[{"filter":{"items":[{"v":1},{"v":5}],"conditions":[{"field":"v","dataType":"number","operation":"gt","value":2}]}},{"aggregate":{"mode":"individual_fields","fields":[{"inputFieldName":"v"}]}}]}"#,
                     state: #"{"_edgeContext":{"aggregatedData":{"v":[5]},"itemCount":1,"mode":"individual_fields"},"_edgeContextTimestamp":"<volatile>","aggregatedData":{"v":[5]},"filterFiltered":[{"v":1}],"filterPassed":[{"v":5}],"filterStats":{"filteredCount":1,"passRate":50,"passedCount":1,"totalCount":2},"itemCount":1}"#),
        UpstreamCase(#"{"id":"agg-empty","name":"agg-empty","version":"1.0.0","workflow":[{"aggregate":{"mode":"individual_fields"}},{"$.x":1},{"aggregate":{"outputField":"o"}}]}"#,
                     state: #"{"_edgeContext":{"aggregatedData":{"o":[]},"itemCount":0,"message":"No items to aggregate"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.x","path":"x","timestamp":"<volatile>","value":1},"aggregatedData":{"o":[]},"itemCount":0,"x":1}"#),
        UpstreamCase(#"{"id":"agg-errors","name":"agg-errors","version":"1.0.0","workflow":[{"aggregate":{"mode":"bad"}},{"$.items":[1,2]},{"aggregate":{"mode":"individual_fields"}},{"$.y":1},{"aggregate":{"mode":"individual_fields","fields":[{"outputFieldName":"x"}]}}]}"#,
                     state: #"{"_edgeContext":{"details":"<volatile>","error":"inputFieldName is required for each field configuration","nodeId":"aggregate"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.y","path":"y","timestamp":"<volatile>","value":1},"items":[1,2],"y":1}"#),
        UpstreamCase(#"{"id":"agg-fields","name":"agg-fields","version":"1.0.0","workflow":[{"aggregate":{"mode":"individual_fields","fields":[{"inputFieldName":"user.name","outputFieldName":"names"},{"inputFieldName":"tags","mergeLists":true},{"inputFieldName":"age"}],"keepMissingValues":true}}],"initialState":{"items":[{"user":{"name":"A"},"tags":["x","y"],"age":3},{"user":{"name":"B"},"tags":["z"]}]}}"#,
                     state: #"{"_edgeContext":{"aggregatedData":{"age":[3,null],"names":["A","B"],"tags":["x","y","z"]},"itemCount":2,"mode":"individual_fields"},"_edgeContextTimestamp":"<volatile>","aggregatedData":{"age":[3,null],"names":["A","B"],"tags":["x","y","z"]},"itemCount":2,"items":[{"age":3,"tags":["x","y"],"user":{"name":"A"}},{"tags":["z"],"user":{"name":"B"}}]}"#),
        UpstreamCase(#"{"id":"agg-null-item","name":"agg-null-item","version":"1.0.0","workflow":[{"aggregate":{}}],"initialState":{"items":[1,null]}}"#,
                     state: #"{"_edgeContext":{"details":"<volatile>","error":"null is not an object (evaluating 'item._binary')","nodeId":"aggregate"},"_edgeContextTimestamp":"<volatile>","items":[1,null]}"#),
    ]

    static let removeDuplicates: [UpstreamCase] = [
        UpstreamCase(#"{"id":"dedup-all","name":"dedup-all","version":"1.0.0","workflow":[{"removeDuplicates":{}}],"initialState":{"items":[{"a":1,"b":2},{"b":2,"a":1},{"a":2},1,1,"1"]}}"#,
                     state: #"{"_edgeContext":{"discardedCount":2,"items":[{"a":1,"b":2},{"a":2},1,"1"],"keptCount":4},"_edgeContextTimestamp":"<volatile>","deduplicationSummary":{"compareMode":"all_fields","discardedCount":2,"keptCount":4,"operation":"current_input","timestamp":"<volatile>","totalItems":6},"discardedItems":[{"a":1,"b":2},1],"items":[{"a":1,"b":2},{"a":1,"b":2},{"a":2},1,1,"1"],"keptItems":[{"a":1,"b":2},{"a":2},1,"1"]}"#),
        UpstreamCase(#"{"id":"dedup-errors","name":"dedup-errors","version":"1.0.0","workflow":[{"removeDuplicates":{"compareMode":"selected_fields"}},{"removeDuplicates":{"compareMode":"all_except","fieldsToExclude":[]}},{"$.items":"notarray"},{"removeDuplicates":{}}],"initialState":{"items":[1]}}"#,
                     state: #"{"_edgeContext":{"error":"Input items must be an array","received":"string"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.items","path":"items","timestamp":"<volatile>","value":"notarray"},"items":"notarray"}"#),
        UpstreamCase(#"{"id":"dedup-except","name":"dedup-except","version":"1.0.0","workflow":[{"removeDuplicates":{"compareMode":"all_except","fieldsToExclude":["id"],"removeOtherFields":true}}],"initialState":{"items":[{"id":1,"v":"x"},{"id":2,"v":"x"},{"id":3,"v":"y"}]}}"#,
                     state: #"{"_edgeContext":{"discardedCount":1,"items":[{"v":"x"},{"v":"y"}],"keptCount":2},"_edgeContextTimestamp":"<volatile>","deduplicationSummary":{"compareMode":"all_except","discardedCount":1,"keptCount":2,"operation":"current_input","timestamp":"<volatile>","totalItems":3},"discardedItems":[{"id":2,"v":"x"}],"items":[{"id":1,"v":"x"},{"id":2,"v":"x"},{"id":3,"v":"y"}],"keptItems":[{"v":"x"},{"v":"y"}]}"#),
        UpstreamCase(#"{"id":"dedup-history","name":"dedup-history","version":"1.0.0","workflow":[{"removeDuplicates":{"operation":"previous_executions"}},{"$.items":[{"a":1},{"a":3}]},{"removeDuplicates":{"operation":"previous_executions"}},{"removeDuplicates":{"operation":"previous_executions","scope":"workflow","historySize":1}},{"removeDuplicates":{"operation":"clear_history","scope":"workflow"}}],"initialState":{"items":[{"a":1},{"a":2}]}}"#,
                     state: #"{"_deduplicationHistory":{"items":[],"nodeId":"removeDuplicates","workflowId":"dedup-history"},"_edgeContext":{"message":"Deduplication history cleared","scope":"workflow"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.items","path":"items","timestamp":"<volatile>","value":[{"a":1},{"a":3}]},"deduplicationSummary":{"compareMode":"all_fields","discardedCount":0,"keptCount":2,"operation":"previous_executions","timestamp":"<volatile>","totalItems":2},"discardedItems":[],"items":[{"a":1},{"a":3}],"keptItems":[{"a":1},{"a":3}]}"#),
        UpstreamCase(#"{"id":"dedup-kept-wins","name":"dedup-kept-wins","version":"1.0.0","workflow":[{"removeDuplicates":{"kept?":"log","discarded?":"empty"}},"log","empty"],"initialState":{"items":[1,1,2]}}"#,
                     state: #"{"_edgeContext":{"luckyNumber":13},"_edgeContextTimestamp":"<volatile>","deduplicationSummary":{"compareMode":"all_fields","discardedCount":1,"keptCount":2,"operation":"current_input","timestamp":"<volatile>","totalItems":3},"discardedItems":[1],"items":[1,1,2],"keptItems":[1,2]}"#),
        UpstreamCase(#"{"id":"dedup-none-kept","name":"dedup-none-kept","version":"1.0.0","workflow":[{"removeDuplicates":{}}],"initialState":{"items":[]}}"#,
                     state: #"{"_edgeContext":{"discardedCount":0,"items":[]},"_edgeContextTimestamp":"<volatile>","deduplicationSummary":{"compareMode":"all_fields","discardedCount":0,"keptCount":0,"operation":"current_input","timestamp":"<volatile>","totalItems":0},"discardedItems":[],"items":[],"keptItems":[]}"#),
        UpstreamCase(#"{"id":"dedup-selected","name":"dedup-selected","version":"1.0.0","workflow":[{"removeDuplicates":{"compareMode":"selected_fields","fieldsToCompare":["email","p.x"],"removeOtherFields":true}}],"initialState":{"items":[{"email":"a","p":{"x":1},"n":1},{"email":"a","p":{"x":1},"n":2},{"email":"b","n":3}]}}"#,
                     state: #"{"_edgeContext":{"discardedCount":1,"items":[{"email":"a"},{"email":"b"}],"keptCount":2},"_edgeContextTimestamp":"<volatile>","deduplicationSummary":{"compareMode":"selected_fields","discardedCount":1,"keptCount":2,"operation":"current_input","timestamp":"<volatile>","totalItems":3},"discardedItems":[{"email":"a","n":2,"p":{"x":1}}],"items":[{"email":"a","n":1,"p":{"x":1}},{"email":"a","n":2,"p":{"x":1}},{"email":"b","n":3}],"keptItems":[{"email":"a"},{"email":"b"}]}"#),
    ]

    static let sort: [UpstreamCase] = [
        UpstreamCase(#"{"id":"sort-dot","name":"sort-dot","version":"1.0.0","workflow":[{"sort":{"type":"simple","disableDotNotation":true,"fieldsToSortBy":[{"fieldName":"a.b","order":"ascending"}]}},{"$.sorted1":"$.sortedItems"},{"sort":{"type":"simple","fieldsToSortBy":[{"fieldName":"a.b","order":"descending"}]}}],"initialState":{"items":[{"a.b":2,"a":{"b":1}},{"a.b":1,"a":{"b":2}}]}}"#,
                     state: #"{"_edgeContext":{"count":2,"items":[{"a":{"b":2},"a.b":1},{"a":{"b":1},"a.b":2}],"sortType":"simple","timestamp":"<volatile>"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.sorted1","path":"sorted1","timestamp":"<volatile>","value":[{"a":{"b":2},"a.b":1},{"a":{"b":1},"a.b":2}]},"items":[{"a":{"b":1},"a.b":2},{"a":{"b":2},"a.b":1}],"sorted1":[{"a":{"b":2},"a.b":1},{"a":{"b":1},"a.b":2}],"sortedItems":[{"a":{"b":2},"a.b":1},{"a":{"b":1},"a.b":2}]}"#),
        UpstreamCase(#"{"id":"sort-empty","name":"sort-empty","version":"1.0.0","workflow":[{"sort":{"type":"simple"}}]}"#,
                     state: #"{"_edgeContext":{"count":0,"items":[],"message":"No items to sort"},"_edgeContextTimestamp":"<volatile>","sortedItems":[]}"#),
        UpstreamCase(#"{"id":"sort-errors","name":"sort-errors","version":"1.0.0","workflow":[{"sort":{}},{"sort":{"type":"up"}},{"sort":{"type":"simple"}},{"$.x":1},{"sort":{"type":"simple","fieldsToSortBy":[{"fieldName":"a","order":"up"}]}},{"$.y":1},{"sort":{"type":"simple","fieldsToSortBy":[{"order":"ascending"}]}}],"initialState":{"items":[{"a":1}]}}"#,
                     state: #"{"_edgeContext":{"error":"Each sort field must have a valid fieldName","invalidField":{"order":"ascending"},"nodeId":"sort"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.y","path":"y","timestamp":"<volatile>","value":1},"items":[{"a":1}],"x":1,"y":1}"#),
        UpstreamCase(#"{"id":"sort-mixed","name":"sort-mixed","version":"1.0.0","workflow":[{"sort":{"type":"simple","fieldsToSortBy":[{"fieldName":"v","order":"ascending"}]}}],"initialState":{"items":[{"v":10},{"v":9},{"v":true},{"v":false},{"v":"Zed"},{"v":"apple"},{"v":2.5},{"v":[1,2]}]}}"#,
                     state: #"{"_edgeContext":{"count":8,"items":[{"v":[1,2]},{"v":2.5},{"v":9},{"v":10},{"v":"apple"},{"v":false},{"v":true},{"v":"Zed"}],"sortType":"simple","timestamp":"<volatile>"},"_edgeContextTimestamp":"<volatile>","items":[{"v":10},{"v":9},{"v":true},{"v":false},{"v":"Zed"},{"v":"apple"},{"v":2.5},{"v":[1,2]}],"sortedItems":[{"v":[1,2]},{"v":2.5},{"v":9},{"v":10},{"v":"apple"},{"v":false},{"v":true},{"v":"Zed"}]}"#),
        UpstreamCase(#"{"id":"sort-multi","name":"sort-multi","version":"1.0.0","workflow":[{"sort":{"type":"simple","fieldsToSortBy":[{"fieldName":"g","order":"ascending"},{"fieldName":"score","order":"descending"}]}}],"initialState":{"items":[{"g":"b","score":1,"id":1},{"g":"A","score":5,"id":2},{"g":"a","score":7,"id":3},{"g":null,"score":9,"id":4},{"g":"b","score":3,"id":5},{"score":0,"id":6}]}}"#,
                     state: #"{"_edgeContext":{"count":6,"items":[{"g":"a","id":3,"score":7},{"g":"A","id":2,"score":5},{"g":"b","id":5,"score":3},{"g":"b","id":1,"score":1},{"g":null,"id":4,"score":9},{"id":6,"score":0}],"sortType":"simple","timestamp":"<volatile>"},"_edgeContextTimestamp":"<volatile>","items":[{"g":"b","id":1,"score":1},{"g":"A","id":2,"score":5},{"g":"a","id":3,"score":7},{"g":null,"id":4,"score":9},{"g":"b","id":5,"score":3},{"id":6,"score":0}],"sortedItems":[{"g":"a","id":3,"score":7},{"g":"A","id":2,"score":5},{"g":"b","id":5,"score":3},{"g":"b","id":1,"score":1},{"g":null,"id":4,"score":9},{"id":6,"score":0}]}"#),
        UpstreamCase(#"{"id":"sort-notarray","name":"sort-notarray","version":"1.0.0","workflow":[{"sort":{"type":"random"}}],"initialState":{"items":"abc"}}"#,
                     state: #"{"_edgeContext":{"error":"Input items must be an array","nodeId":"sort","receivedType":"string"},"_edgeContextTimestamp":"<volatile>","items":"abc"}"#),
        UpstreamCase(#"{"id":"sort-state-shadows-edge","name":"sort-state-shadows-edge","version":"1.0.0","workflow":[{"filter":{"items":[{"v":9}],"conditions":[{"field":"v","dataType":"number","operation":"gt","value":1}]}},{"sort":{"type":"simple","fieldsToSortBy":[{"fieldName":"v","order":"ascending"}]}}],"initialState":{"items":[{"v":3},{"v":1},{"v":2}]}}"#,
                     state: #"{"_edgeContext":{"count":3,"items":[{"v":1},{"v":2},{"v":3}],"sortType":"simple","timestamp":"<volatile>"},"_edgeContextTimestamp":"<volatile>","filterFiltered":[],"filterPassed":[{"v":9}],"filterStats":{"filteredCount":0,"passRate":100,"passedCount":1,"totalCount":1},"items":[{"v":3},{"v":1},{"v":2}],"sortedItems":[{"v":1},{"v":2},{"v":3}]}"#),
    ]

    static let limit: [UpstreamCase] = [
        UpstreamCase(#"{"id":"limit-all","name":"limit-all","version":"1.0.0","workflow":[{"limit":{"items":"$.list","maxItems":5}}],"initialState":{"list":[1,2]}}"#,
                     state: #"{"_edgeContext":{"count":2,"limitedItems":[1,2],"message":"All 2 items kept (fewer than maxItems: 5)","originalCount":2},"_edgeContextTimestamp":"<volatile>","limitCount":2,"limitOriginalCount":2,"limitedItems":[1,2],"list":[1,2]}"#),
        UpstreamCase(#"{"id":"limit-begin","name":"limit-begin","version":"1.0.0","workflow":[{"limit":{"items":[1,2,3,4,5],"maxItems":2}}]}"#,
                     state: #"{"_edgeContext":{"count":2,"itemsRemoved":3,"keepFrom":"beginning","limitedItems":[1,2],"originalCount":5},"_edgeContextTimestamp":"<volatile>","limitCount":2,"limitOriginalCount":5,"limitedItems":[1,2]}"#),
        UpstreamCase(#"{"id":"limit-end","name":"limit-end","version":"1.0.0","workflow":[{"limit":{"items":[1,2,3,4,5],"maxItems":2.5,"keepFrom":"end"}}]}"#,
                     state: #"{"_edgeContext":{"count":2,"itemsRemoved":3,"keepFrom":"end","limitedItems":[4,5],"originalCount":5},"_edgeContextTimestamp":"<volatile>","limitCount":2,"limitOriginalCount":5,"limitedItems":[4,5]}"#),
        UpstreamCase(#"{"id":"limit-errors","name":"limit-errors","version":"1.0.0","workflow":[{"limit":{"maxItems":1}},{"limit":{"items":[1],"maxItems":"$.two"}},{"limit":{"items":[1],"maxItems":-1}},{"limit":{"items":"$.x","maxItems":1}},{"limit":{"items":[1],"maxItems":1,"keepFrom":"middle"}}],"initialState":{"two":"2","x":"x"}}"#,
                     state: #"{"_edgeContext":{"error":"Invalid keepFrom parameter: must be \"beginning\" or \"end\"","keepFrom":"middle","nodeId":"limit"},"_edgeContextTimestamp":"<volatile>","two":"2","x":"x"}"#),
    ]

    static let arrayUtilities: [UpstreamCase] = [
        UpstreamCase(#"{"id":"au-chunk-string","name":"au-chunk-string","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"v","operation":"chunk","chunkSize":"$.size"}}],"initialState":{"v":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25],"size":"2"}}"#,
                     state: #"{"_edgeContext":{"inputLength":25,"operation":"chunk","outputLength":3,"v":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25],"vResult":[[1,2],[3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22],[23,24,25]]},"_edgeContextTimestamp":"<volatile>","arrayUtilResult":{"field":"v","inputLength":25,"operation":"chunk","outputLength":3,"resultField":"vResult","timestamp":"<volatile>","vResult":[[1,2],[3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22],[23,24,25]]},"size":"2","v":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]}"#),
        UpstreamCase(#"{"id":"au-data-input","name":"au-data-input","version":"1.0.0","workflow":[{"$.data":{"list":[3,3,1]}},{"arrayUtilities":{"field":"list"}}]}"#,
                     state: #"{"_edgeContext":{"inputLength":3,"list":[3,3,1],"listResult":[3,1],"operation":"unique","outputLength":2},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.data","path":"data","timestamp":"<volatile>","value":{"list":[3,3,1]}},"arrayUtilResult":{"field":"list","inputLength":3,"listResult":[3,1],"operation":"unique","outputLength":2,"resultField":"listResult","timestamp":"<volatile>"},"data":{"list":[3,3,1]}}"#),
        UpstreamCase(#"{"id":"au-empty-errors","name":"au-empty-errors","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"e"}},{"arrayUtilities":{}},{"arrayUtilities":{"field":"s"}},{"arrayUtilities":{"field":"v","operation":"nope"}},{"arrayUtilities":{"field":"v","operation":"chunk","chunkSize":0}},{"arrayUtilities":{"field":"v","operation":"difference"}},{"arrayUtilities":{"field":"v","operation":"union","compareArray":"s"}}],"initialState":{"e":[],"s":"str","v":[1]}}"#,
                     state: #"{"_edgeContext":{"error":"compareArray \"s\" is not an array","nodeId":"arrayUtilities"},"_edgeContextTimestamp":"<volatile>","arrayUtilResult":{"field":"e","inputLength":0,"operation":"unique","outputLength":0,"resultField":"eResult"},"e":[],"s":"str","v":[1]}"#),
        UpstreamCase(#"{"id":"au-field-number","name":"au-field-number","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"$.five"}}],"initialState":{"five":5}}"#,
                     error: #"Node execution failed: arrayUtilities - path.split is not a function. (In 'path.split(".")', 'path.split' is undefined)"#),
        UpstreamCase(#"{"id":"au-first-last","name":"au-first-last","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"v","operation":"first","count":2}},{"$.r1":"$.arrayUtilResult"},{"arrayUtilities":{"field":"v","operation":"last","count":2}},{"$.r2":"$.arrayUtilResult"},{"arrayUtilities":{"field":"v","operation":"last","count":0}},{"$.r3":"$.arrayUtilResult"},{"arrayUtilities":{"field":"v","operation":"sample","sampleSize":9}}],"initialState":{"v":[1,2,3,4]}}"#,
                     state: #"{"_edgeContext":{"inputLength":4,"operation":"sample","outputLength":4,"v":[1,2,3,4],"vResult":[1,2,3,4]},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r3","path":"r3","timestamp":"<volatile>","value":{"field":"v","inputLength":4,"operation":"last","outputLength":0,"resultField":"vResult","timestamp":"<volatile>","vResult":[]}},"arrayUtilResult":{"field":"v","inputLength":4,"operation":"sample","outputLength":4,"resultField":"vResult","timestamp":"<volatile>","vResult":[1,2,3,4]},"r1":{"field":"v","inputLength":4,"operation":"first","outputLength":2,"resultField":"vResult","timestamp":"<volatile>","vResult":[1,2]},"r2":{"field":"v","inputLength":4,"operation":"last","outputLength":2,"resultField":"vResult","timestamp":"<volatile>","vResult":[3,4]},"r3":{"field":"v","inputLength":4,"operation":"last","outputLength":0,"resultField":"vResult","timestamp":"<volatile>","vResult":[]},"v":[1,2,3,4]}"#),
        UpstreamCase(#"{"id":"au-ops","name":"au-ops","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"v"}},{"$.r1":"$.arrayUtilResult"},{"arrayUtilities":{"field":"v","operation":"chunk","chunkSize":2,"outputField":"c"}},{"$.r2":"$.arrayUtilResult"},{"arrayUtilities":{"field":"v","operation":"compact"}},{"$.r3":"$.arrayUtilResult"},{"arrayUtilities":{"field":"v","operation":"reverse"}},{"$.r4":"$.arrayUtilResult"},{"arrayUtilities":{"field":"nested","operation":"flatten","depth":1}},{"$.r5":"$.arrayUtilResult"},{"arrayUtilities":{"field":"nested","operation":"flatten"}}],"initialState":{"v":[1,"1",0,null,false,"",{"a":1},{"a":1},2,[3],[3]],"nested":[1,[2,[3,[4]]]]}}"#,
                     state: #"{"_edgeContext":{"inputLength":2,"nested":[1,[2,[3,[4]]]],"nestedResult":[1,2,3,4],"operation":"flatten","outputLength":4},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r5","path":"r5","timestamp":"<volatile>","value":{"field":"nested","inputLength":2,"nestedResult":[1,2,[3,[4]]],"operation":"flatten","outputLength":3,"resultField":"nestedResult","timestamp":"<volatile>"}},"arrayUtilResult":{"field":"nested","inputLength":2,"nestedResult":[1,2,3,4],"operation":"flatten","outputLength":4,"resultField":"nestedResult","timestamp":"<volatile>"},"nested":[1,[2,[3,[4]]]],"r1":{"field":"v","inputLength":11,"operation":"unique","outputLength":8,"resultField":"vResult","timestamp":"<volatile>","vResult":[1,0,null,false,"",{"a":1},2,[3]]},"r2":{"c":[[1,"1"],[0,null],[false,""],[{"a":1},{"a":1}],[2,[3]],[[3]]],"field":"v","inputLength":11,"operation":"chunk","outputLength":6,"resultField":"c","timestamp":"<volatile>"},"r3":{"field":"v","inputLength":11,"operation":"compact","outputLength":7,"resultField":"vResult","timestamp":"<volatile>","vResult":[1,"1",{"a":1},{"a":1},2,[3],[3]]},"r4":{"field":"v","inputLength":11,"operation":"reverse","outputLength":11,"resultField":"vResult","timestamp":"<volatile>","vResult":[[3],[3],2,{"a":1},{"a":1},"",false,null,0,"1",1]},"r5":{"field":"nested","inputLength":2,"nestedResult":[1,2,[3,[4]]],"operation":"flatten","outputLength":3,"resultField":"nestedResult","timestamp":"<volatile>"},"v":[1,"1",0,null,false,"",{"a":1},{"a":1},2,[3],[3]]}"#),
        UpstreamCase(#"{"id":"au-sets","name":"au-sets","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"a","operation":"difference","compareArray":"b"}},{"$.r1":"$.arrayUtilResult"},{"arrayUtilities":{"field":"a","operation":"intersection","compareArray":"b"}},{"$.r2":"$.arrayUtilResult"},{"arrayUtilities":{"field":"a","operation":"union","compareArray":"b","outputField":"u"}}],"initialState":{"a":[1,2,3,{"k":1}],"b":["2",{"k":1},4]}}"#,
                     state: #"{"_edgeContext":{"a":[1,2,3,{"k":1}],"inputLength":4,"operation":"union","outputLength":5,"u":[1,2,3,{"k":1},4]},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r2","path":"r2","timestamp":"<volatile>","value":{"aResult":[2,{"k":1}],"field":"a","inputLength":4,"operation":"intersection","outputLength":2,"resultField":"aResult","timestamp":"<volatile>"}},"a":[1,2,3,{"k":1}],"arrayUtilResult":{"field":"a","inputLength":4,"operation":"union","outputLength":5,"resultField":"u","timestamp":"<volatile>","u":[1,2,3,{"k":1},4]},"b":["2",{"k":1},4],"r1":{"aResult":[1,3],"field":"a","inputLength":4,"operation":"difference","outputLength":2,"resultField":"aResult","timestamp":"<volatile>"},"r2":{"aResult":[2,{"k":1}],"field":"a","inputLength":4,"operation":"intersection","outputLength":2,"resultField":"aResult","timestamp":"<volatile>"}}"#),
        UpstreamCase(#"{"id":"au-uniqueby","name":"au-uniqueby","version":"1.0.0","workflow":[{"arrayUtilities":{"field":"v","uniqueBy":"id"}}],"initialState":{"v":[{"id":1,"n":"a"},{"id":1,"n":"b"},{"n":"c"},{"n":"d"},5,5,{"id":{"x":1}},{"id":{"x":1}}]}}"#,
                     state: #"{"_edgeContext":{"inputLength":8,"operation":"unique","outputLength":6,"v":[{"id":1,"n":"a"},{"id":1,"n":"b"},{"n":"c"},{"n":"d"},5,5,{"id":{"x":1}},{"id":{"x":1}}],"vResult":[{"id":1,"n":"a"},{"n":"c"},5,5,{"id":{"x":1}},{"id":{"x":1}}]},"_edgeContextTimestamp":"<volatile>","arrayUtilResult":{"field":"v","inputLength":8,"operation":"unique","outputLength":6,"resultField":"vResult","timestamp":"<volatile>","vResult":[{"id":1,"n":"a"},{"n":"c"},5,5,{"id":{"x":1}},{"id":{"x":1}}]},"v":[{"id":1,"n":"a"},{"id":1,"n":"b"},{"n":"c"},{"n":"d"},5,5,{"id":{"x":1}},{"id":{"x":1}}]}"#),
    ]

    static let filter: [UpstreamCase] = [
        UpstreamCase(#"{"id":"filter-date-forms","name":"x","version":"1.0.0","initialState":{"dates":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024-01-15 10:00:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":"2024-02-30"},{"d":"2024-13-01"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":"2024,2,3"},{"d":"Jan 15, 2024 3:45 PM"},{"d":"2024-01-15T10Z"},{"d":"abc"},{"d":1705312800000},{"d":true},{"d":[2024,1]}]},"workflow":[{"filter":{"items":"$.dates","conditions":[{"field":"d","dataType":"date","operation":"before","value":"2024-01-15T10:00:00Z"}]}},{"$.d0":"$.filterPassed"},{"filter":{"items":"$.dates","conditions":[{"field":"d","dataType":"date","operation":"equals","value":"2024-01-15T10:00:00Z"}]}},{"$.d1":"$.filterPassed"},{"filter":{"items":"$.dates","conditions":[{"field":"d","dataType":"date","operation":"between","value":"2024-01-01","value2":"2024-01-31"}]}},{"$.d2":"$.filterPassed"}]}"#,
                     state: #"{"_edgeContext":{"message":"Successfully set state at path: d2","statePath":"d2","value":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024-01-15 10:00:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":"Jan 15, 2024 3:45 PM"},{"d":1705312800000},{"d":[2024,1]}]},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.d2","path":"d2","timestamp":"<volatile>","value":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024-01-15 10:00:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":"Jan 15, 2024 3:45 PM"},{"d":1705312800000},{"d":[2024,1]}]},"d0":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":true},{"d":[2024,1]}],"d1":[{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15 10:00:00"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":1705312800000}],"d2":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024-01-15 10:00:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":"Jan 15, 2024 3:45 PM"},{"d":1705312800000},{"d":[2024,1]}],"dates":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024-01-15 10:00:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":"2024-02-30"},{"d":"2024-13-01"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":"2024,2,3"},{"d":"Jan 15, 2024 3:45 PM"},{"d":"2024-01-15T10Z"},{"d":"abc"},{"d":1705312800000},{"d":true},{"d":[2024,1]}],"filterFiltered":[{"d":"2024-02-30"},{"d":"2024-13-01"},{"d":"2024,2,3"},{"d":"2024-01-15T10Z"},{"d":"abc"},{"d":true}],"filterPassed":[{"d":"2024-01-15"},{"d":"2024-01-15T10:00:00Z"},{"d":"2024-01-15T10:00"},{"d":"2024-01-15T10:00:00+02:00"},{"d":"2024-01-15 10:00:00"},{"d":"2024/01/15"},{"d":"01/15/2024"},{"d":"Jan 15 2024"},{"d":"January 15, 2024"},{"d":"15 Jan 2024"},{"d":"Mon, 15 Jan 2024 10:00:00 GMT"},{"d":"2024"},{"d":"+002024-01-15"},{"d":"Jan 2024"},{"d":"Jan 15, 2024 3:45 PM"},{"d":1705312800000},{"d":[2024,1]}],"filterStats":{"filteredCount":6,"passRate":73.91304347826086,"passedCount":17,"totalCount":23}}"#),
        UpstreamCase(#"{"id":"filter-errors","name":"filter-errors","version":"1.0.0","workflow":[{"filter":{"items":[{"v":1}],"conditions":[{"field":"v","operation":"equals","value":1}]}},{"filter":{"conditions":[]}},{"filter":{"items":[1],"conditions":[]}},{"filter":{"items":[1],"conditions":[{}],"matchMode":"some"}},{"filter":{"items":[{"v":1}],"conditions":[{"field":"v","dataType":"number","operation":"near","value":1}]}},{"filter":{"items":[{"v":1}],"conditions":[{"field":"v","dataType":"number","operation":"between","value":0}]}}]}"#,
                     state: #"{"_edgeContext":{"details":"<volatile>","error":"Between operation requires value2 parameter","nodeId":"filter"},"_edgeContextTimestamp":"<volatile>"}"#),
        UpstreamCase(#"{"id":"filter-none","name":"filter-none","version":"1.0.0","workflow":[{"filter":{"items":[{"v":1}],"conditions":[{"field":"v","dataType":"number","operation":"gt","value":5}],"passed?":"log"}},"log"]}"#,
                     state: #"{"_edgeContext":{},"_edgeContextTimestamp":"<volatile>","filterFiltered":[{"v":1}],"filterPassed":[],"filterStats":{"filteredCount":1,"passRate":0,"passedCount":0,"totalCount":1}}"#),
        UpstreamCase(#"{"id":"filter-regex-syntax","name":"x","version":"1.0.0","initialState":{"strings":[{"s":"abc"},{"s":"ABC"},{"s":"a1b2"},{"s":""},{"s":"foo bar"},{"s":"a\nb"},{"s":"line\n"},{"s":"x{y"},{"s":"p{L}"},{"s":"Z"},{"s":"a-"},{"s":"\b"},{"s":"a\rc"},{"s":"\u000b"},{"s":"xx"},{"s":" "},{"s":"é"}]},"workflow":[{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\d+"}]}},{"$.r0":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"^$"}]}},{"$.r1":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"a{"}]}},{"$.r2":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"[^]"}]}},{"$.r3":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\bfoo\\b"}]}},{"$.r4":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"[a-]"}]}},{"$.r5":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\Z"}]}},{"$.r6":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\p{L}"}]}},{"$.r7":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"(?i)a"}]}},{"$.r8":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\u0041"}]}},{"$.r9":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"[\\b]"}]}},{"$.r10":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\1(a)"}]}},{"$.r11":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"a.c"}]}},{"$.r12":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\s"}]}},{"$.r13":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"b$"}]}},{"$.r14":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"x{2}"}]}},{"$.r15":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"[]"}]}},{"$.r16":"$.filterPassed.length"},{"filter":{"items":"$.strings","conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\v"}]}},{"$.r17":"$.filterPassed.length"}]}"#,
                     state: #"{"_edgeContext":{"message":"Successfully set state at path: r17","statePath":"r17","value":1},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r17","path":"r17","timestamp":"<volatile>","value":1},"filterFiltered":[{"s":"abc"},{"s":"ABC"},{"s":"a1b2"},{"s":""},{"s":"foo bar"},{"s":"a\nb"},{"s":"line\n"},{"s":"x{y"},{"s":"p{L}"},{"s":"Z"},{"s":"a-"},{"s":"\b"},{"s":"a\rc"},{"s":"xx"},{"s":" "},{"s":"é"}],"filterPassed":[{"s":"\u000b"}],"filterStats":{"filteredCount":16,"passRate":5.88235294117647,"passedCount":1,"totalCount":17},"r0":1,"r1":1,"r10":1,"r11":6,"r12":1,"r13":6,"r14":1,"r15":1,"r16":0,"r17":1,"r2":0,"r3":16,"r4":1,"r5":6,"r6":1,"r7":1,"r8":0,"r9":1,"strings":[{"s":"abc"},{"s":"ABC"},{"s":"a1b2"},{"s":""},{"s":"foo bar"},{"s":"a\nb"},{"s":"line\n"},{"s":"x{y"},{"s":"p{L}"},{"s":"Z"},{"s":"a-"},{"s":"\b"},{"s":"a\rc"},{"s":"\u000b"},{"s":"xx"},{"s":" "},{"s":"é"}]}"#),
        UpstreamCase(#"{"id":"filter-shortcircuit","name":"filter-shortcircuit","version":"1.0.0","workflow":[{"filter":{"items":[{"v":1},{"v":9}],"conditions":[{"field":"v","dataType":"number","operation":"gt","value":5},{"field":"v","dataType":"weird","operation":"x"}]}}]}"#,
                     state: #"{"_edgeContext":{"details":"<volatile>","error":"Unsupported data type: weird","nodeId":"filter"},"_edgeContextTimestamp":"<volatile>"}"#),
        UpstreamCase(#"{"id":"filter-strings","name":"filter-strings","version":"1.0.0","workflow":[{"filter":{"items":"$.r1","conditions":[{"field":"s","dataType":"string","operation":"isNotEmpty"}]}},{"$.a":"$.filterPassed"},{"filter":{"items":"$.r2","conditions":[{"field":"s","dataType":"string","operation":"isEmpty"}]}},{"$.b":"$.filterPassed"},{"filter":{"items":[{"s":"a1b"},{"s":"xyz"},{"s":"q\n"}],"conditions":[{"field":"s","dataType":"string","operation":"regex","value":"\\d|q$"}]}}],"initialState":{"r1":[{"s":"Hello"},{"s":""},{"s":null},{},{"s":12},{"s":["a","b"]}],"r2":[{"s":"Hello"},{"s":""},{"s":null},{},{"s":12}]}}"#,
                     state: #"{"_edgeContext":{"filteredCount":2,"items":[{"s":"a1b"}],"passedCount":1,"totalCount":3},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.b","path":"b","timestamp":"<volatile>","value":[{"s":""},{"s":null},{}]},"a":[{"s":"Hello"},{"s":12},{"s":["a","b"]}],"b":[{"s":""},{"s":null},{}],"filterFiltered":[{"s":"xyz"},{"s":"q\n"}],"filterPassed":[{"s":"a1b"}],"filterStats":{"filteredCount":2,"passRate":33.33333333333333,"passedCount":1,"totalCount":3},"r1":[{"s":"Hello"},{"s":""},{"s":null},{},{"s":12},{"s":["a","b"]}],"r2":[{"s":"Hello"},{"s":""},{"s":null},{},{"s":12}]}"#),
        UpstreamCase(#"{"id":"filter-types","name":"filter-types","version":"1.0.0","workflow":[{"filter":{"items":"$.rows","conditions":[{"field":"name","dataType":"string","operation":"startsWith","value":"A"},{"field":"price","dataType":"number","operation":"between","value":10,"value2":"30"}]}},{"$.f1":"$.filterPassed"},{"filter":{"items":"$.rows","matchMode":"any","conditions":[{"field":"tags","dataType":"array","operation":"contains","value":"new"},{"field":"active","dataType":"boolean","operation":"true"}]}},{"$.f2":"$.filterPassed"},{"filter":{"items":"$.rows","conditions":[{"field":"meta","dataType":"object","operation":"isEmpty"}]}},{"$.f3":"$.filterPassed"},{"filter":{"items":"$.rows","conditions":[{"field":"when","dataType":"date","operation":"before","value":"2024-06-01"}]}},{"$.f4":"$.filterPassed"},{"filter":{"items":"$.rows","conditions":[{"field":"name","dataType":"string","operation":"regex","value":"^a.*e$"}]}}],"initialState":{"rows":[{"name":"Apple","price":25,"tags":["new"],"active":false,"meta":{},"when":"2024-01-15T10:00:00Z"},{"name":"Avocado","price":40,"tags":[],"active":true,"meta":{"a":1},"when":"2024-07-01"},{"name":"banana","price":"15","tags":["old"],"active":"true","when":1717200000000},{"name":"apple pie","price":null}]}}"#,
                     state: #"{"_edgeContext":{"filteredCount":3,"items":[{"name":"apple pie","price":null}],"passedCount":1,"totalCount":4},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.f4","path":"f4","timestamp":"<volatile>","value":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"}]},"f1":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"}],"f2":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"},{"active":true,"meta":{"a":1},"name":"Avocado","price":40,"tags":[],"when":"2024-07-01"}],"f3":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"},{"active":"true","name":"banana","price":"15","tags":["old"],"when":1717200000000},{"name":"apple pie","price":null}],"f4":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"}],"filterFiltered":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"},{"active":true,"meta":{"a":1},"name":"Avocado","price":40,"tags":[],"when":"2024-07-01"},{"active":"true","name":"banana","price":"15","tags":["old"],"when":1717200000000}],"filterPassed":[{"name":"apple pie","price":null}],"filterStats":{"filteredCount":3,"passRate":25,"passedCount":1,"totalCount":4},"rows":[{"active":false,"meta":{},"name":"Apple","price":25,"tags":["new"],"when":"2024-01-15T10:00:00Z"},{"active":true,"meta":{"a":1},"name":"Avocado","price":40,"tags":[],"when":"2024-07-01"},{"active":"true","name":"banana","price":"15","tags":["old"],"when":1717200000000},{"name":"apple pie","price":null}]}"#),
    ]

    static let compareDatasets: [UpstreamCase] = [
        UpstreamCase(#"{"id":"cmp-append","name":"cmp-append","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"append","input1":"$.a","input2":"$.b"}}],"initialState":{"a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"uid":1,"dept":"Eng","name":"Alpha"},{"uid":1,"dept":"Ops","tags":"u"},{"uid":3,"dept":"HR"},{"uid":9,"dept":"X"}]}}"#,
                     state: #"{"_edgeContext":{"count":7,"result":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"},{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}]},"_edgeContextTimestamp":"<volatile>","a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}],"compareMetadata":{"input1Count":3,"input2Count":4,"mode":"append","resultCount":7,"timestamp":"<volatile>"},"compareResult":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"},{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}]}"#),
        UpstreamCase(#"{"id":"cmp-branch","name":"cmp-branch","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"choose_branch","selectedBranch":"input2","input2":[1,2]}}]}"#,
                     state: #"{"_edgeContext":{"count":2,"result":[1,2],"selectedBranch":"input2"},"_edgeContextTimestamp":"<volatile>","compareMetadata":{"count":2,"mode":"choose_branch","selectedBranch":"input2","timestamp":"<volatile>"},"compareResult":[1,2]}"#),
        UpstreamCase(#"{"id":"cmp-enrich","name":"cmp-enrich","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"enrich","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}]}},{"$.r1":"$.compareResult"},{"compareDatasets":{"mode":"enrich","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}],"resolveConflicts":"prefer_input2"}},{"$.r2":"$.compareResult"},{"compareDatasets":{"mode":"enrich","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}],"resolveConflicts":"merge_arrays","input2Fields":["name","tags","dept"]}}],"initialState":{"a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"uid":1,"dept":"Eng","name":"Alpha"},{"uid":1,"dept":"Ops","tags":"u"},{"uid":3,"dept":"HR"},{"uid":9,"dept":"X"}]}}"#,
                     state: #"{"_edgeContext":{"count":3,"matched":2,"result":[{"dept":["Eng","Ops"],"id":1,"name":["A","Alpha"],"tags":["t","u"]},{"id":2,"name":"B"},{"dept":"HR","id":3,"name":"C"}]},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r2","path":"r2","timestamp":"<volatile>","value":[{"dept":"Ops","id":1,"name":"Alpha","tags":"u","uid":1},{"id":2,"name":"B"},{"dept":"HR","id":3,"name":"C","uid":3}]},"a":[{"id":1,"name":"A","tags":["t","u"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}],"compareMetadata":{"input1Count":3,"input2Count":4,"matchedCount":2,"mode":"enrich","resultCount":3,"timestamp":"<volatile>"},"compareResult":[{"dept":["Eng","Ops"],"id":1,"name":["A","Alpha"],"tags":["t","u"]},{"id":2,"name":"B"},{"dept":"HR","id":3,"name":"C"}],"r1":[{"dept":"Eng","id":1,"name":"A","tags":["t"],"uid":1},{"id":2,"name":"B"},{"dept":"HR","id":3,"name":"C","uid":3}],"r2":[{"dept":"Ops","id":1,"name":"Alpha","tags":"u","uid":1},{"id":2,"name":"B"},{"dept":"HR","id":3,"name":"C","uid":3}]}"#),
        UpstreamCase(#"{"id":"cmp-errors","name":"cmp-errors","version":"1.0.0","workflow":[{"compareDatasets":{}},{"compareDatasets":{"mode":"join"}},{"compareDatasets":{"mode":"choose_branch"}},{"compareDatasets":{"mode":"choose_branch","selectedBranch":"input1"}},{"compareDatasets":{"mode":"enrich","input1":[]}},{"compareDatasets":{"mode":"enrich","input1":[],"input2":[]}},{"compareDatasets":{"mode":"enrich","input1":[],"input2":[],"matchFields":[{"field1":"a"}]}}]}"#,
                     state: #"{"_edgeContext":{"error":"Each matchField must have field1 and field2 properties","invalidMatchField":{"field1":"a"},"nodeId":"compareDatasets"},"_edgeContextTimestamp":"<volatile>"}"#),
        UpstreamCase(#"{"id":"cmp-inherited-keys","name":"cmp-inherited-keys","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"enrich","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"id"}]}},{"$.r1":"$.compareResult"},{"compareDatasets":{"mode":"enrich","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"id"}],"resolveConflicts":"prefer_input2"}},{"$.r2":"$.compareResult"},{"compareDatasets":{"mode":"enrich","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"id"}],"resolveConflicts":"merge_arrays"}}],"initialState":{"a":[{"id":1}],"b":[{"id":1,"toString":"x","constructor":"y","extra":1}]}}"#,
                     state: #"{"_edgeContext":{"count":1,"matched":1,"result":[{"constructor":[null,"y"],"extra":1,"id":[1,1],"toString":[null,"x"]}]},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r2","path":"r2","timestamp":"<volatile>","value":[{"constructor":"y","extra":1,"id":1,"toString":"x"}]},"a":[{"id":1}],"b":[{"constructor":"y","extra":1,"id":1,"toString":"x"}],"compareMetadata":{"input1Count":1,"input2Count":1,"matchedCount":1,"mode":"enrich","resultCount":1,"timestamp":"<volatile>"},"compareResult":[{"constructor":[null,"y"],"extra":1,"id":[1,1],"toString":[null,"x"]}],"r1":[{"extra":1,"id":1}],"r2":[{"constructor":"y","extra":1,"id":1,"toString":"x"}]}"#),
        UpstreamCase(#"{"id":"cmp-keep","name":"cmp-keep","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"keep_matches","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}]}}],"initialState":{"a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"uid":1,"dept":"Eng","name":"Alpha"},{"uid":1,"dept":"Ops","tags":"u"},{"uid":3,"dept":"HR"},{"uid":9,"dept":"X"}]}}"#,
                     state: #"{"_edgeContext":{"count":3,"matched":2,"result":[{"dept":"Eng","id":1,"name":"Alpha","tags":["t"],"uid":1},{"dept":"Ops","id":1,"name":"A","tags":"u","uid":1},{"dept":"HR","id":3,"name":"C","uid":3}]},"_edgeContextTimestamp":"<volatile>","a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}],"compareMetadata":{"input1Count":3,"input2Count":4,"matchedCount":2,"mode":"keep_matches","resultCount":3,"timestamp":"<volatile>"},"compareResult":[{"dept":"Eng","id":1,"name":"Alpha","tags":["t"],"uid":1},{"dept":"Ops","id":1,"name":"A","tags":"u","uid":1},{"dept":"HR","id":3,"name":"C","uid":3}]}"#),
        UpstreamCase(#"{"id":"cmp-keep-pick","name":"cmp-keep-pick","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"keep_matches","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}],"input1Fields":["name"],"input2Fields":["dept","x.y"]}}],"initialState":{"a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"uid":1,"dept":"Eng","name":"Alpha"},{"uid":1,"dept":"Ops","tags":"u"},{"uid":3,"dept":"HR"},{"uid":9,"dept":"X"}]}}"#,
                     state: #"{"_edgeContext":{"count":3,"matched":2,"result":[{"dept":"Eng","name":"A"},{"dept":"Ops","name":"A"},{"dept":"HR","name":"C"}]},"_edgeContextTimestamp":"<volatile>","a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}],"compareMetadata":{"input1Count":3,"input2Count":4,"matchedCount":2,"mode":"keep_matches","resultCount":3,"timestamp":"<volatile>"},"compareResult":[{"dept":"Eng","name":"A"},{"dept":"Ops","name":"A"},{"dept":"HR","name":"C"}]}"#),
        UpstreamCase(#"{"id":"cmp-keys","name":"cmp-keys","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"keep_matches","input1":"$.i1","input2":"$.i2","matchFields":[{"field1":"k","field2":"k"}]}}],"initialState":{"i1":[{"k":null,"n":1},{"n":2},{"k":[1,2],"n":3}],"i2":[{"k":null,"m":1},{"m":2},{"k":"1,2","m":3}]}}"#,
                     state: #"{"_edgeContext":{"count":3,"matched":3,"result":[{"k":null,"m":1,"n":1},{"m":2,"n":2},{"k":"1,2","m":3,"n":3}]},"_edgeContextTimestamp":"<volatile>","compareMetadata":{"input1Count":3,"input2Count":3,"matchedCount":3,"mode":"keep_matches","resultCount":3,"timestamp":"<volatile>"},"compareResult":[{"k":null,"m":1,"n":1},{"m":2,"n":2},{"k":"1,2","m":3,"n":3}],"i1":[{"k":null,"n":1},{"n":2},{"k":[1,2],"n":3}],"i2":[{"k":null,"m":1},{"m":2},{"k":"1,2","m":3}]}"#),
        UpstreamCase(#"{"id":"cmp-nomatch","name":"cmp-nomatch","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"keep_matches","input1":[{"id":1}],"input2":[{"id":2}],"matchFields":[{"field1":"id","field2":"id"}]}}]}"#,
                     state: #"{"_edgeContext":{"count":0,"message":"No matching items found","result":[]},"_edgeContextTimestamp":"<volatile>","compareMetadata":{"input1Count":1,"input2Count":1,"matchedCount":0,"mode":"keep_matches","resultCount":0,"timestamp":"<volatile>"},"compareResult":[]}"#),
        UpstreamCase(#"{"id":"cmp-nonmatch","name":"cmp-nonmatch","version":"1.0.0","workflow":[{"compareDatasets":{"mode":"keep_non_matches","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}]}},{"$.r1":"$.compareResult"},{"compareDatasets":{"mode":"remove_matches","input1":"$.a","input2":"$.b","matchFields":[{"field1":"id","field2":"uid"}],"input1Fields":["id"]}}],"initialState":{"a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"uid":1,"dept":"Eng","name":"Alpha"},{"uid":1,"dept":"Ops","tags":"u"},{"uid":3,"dept":"HR"},{"uid":9,"dept":"X"}]}}"#,
                     state: #"{"_edgeContext":{"count":1,"matched":2,"result":[{"id":2}]},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.r1","path":"r1","timestamp":"<volatile>","value":[{"id":2,"name":"B"}]},"a":[{"id":1,"name":"A","tags":["t"]},{"id":2,"name":"B"},{"id":3,"name":"C"}],"b":[{"dept":"Eng","name":"Alpha","uid":1},{"dept":"Ops","tags":"u","uid":1},{"dept":"HR","uid":3},{"dept":"X","uid":9}],"compareMetadata":{"input1Count":3,"input2Count":4,"matchedCount":2,"mode":"remove_matches","resultCount":1,"timestamp":"<volatile>"},"compareResult":[{"id":2}],"r1":[{"id":2,"name":"B"}]}"#),
    ]

    static let typeErrors: [UpstreamCase] = [
        UpstreamCase(#"{"id":"type-errors-via-refs","name":"type-errors-via-refs","version":"1.0.0","workflow":[{"filter":{"items":[{"v":1}],"conditions":["$.nothing"]}},{"$.f":"$._edgeContext.error"},{"sort":{"type":"simple","fieldsToSortBy":["$.nothing"]}},{"$.s":"$._edgeContext.error"},{"aggregate":{"mode":"individual_fields","fields":[{"inputFieldName":"$.num"}]}},{"$.a":"$._edgeContext.error"},{"compareDatasets":{"mode":"keep_matches","input1":[],"input2":[],"matchFields":["$.nothing"]}},{"$.c":"$._edgeContext.error"},{"removeDuplicates":{"compareMode":"selected_fields","fieldsToCompare":"$.num"}},{"$.d":"$._edgeContext.error"}],"initialState":{"items":[{"x":1}],"num":5}}"#,
                     state: #"{"_edgeContext":{"message":"Successfully set state at path: d","statePath":"d","value":"number is not iterable"},"_edgeContextTimestamp":"<volatile>","_lastStateSet":{"nodeId":"$.d","path":"d","timestamp":"<volatile>","value":"number is not iterable"},"a":"path.split is not a function. (In 'path.split(\".\")', 'path.split' is undefined)","c":"undefined is not an object (evaluating 'mf.field1')","d":"number is not iterable","f":"Cannot destructure property 'field' from null or undefined value","items":[{"x":1}],"num":5,"s":"undefined is not an object (evaluating 'field.fieldName')"}"#),
    ]
}
