import PlinthWorkscriptEngine
import Testing

/// The engine's order of operations, checked on small workflows whose upstream results are
/// stated in the facts reference (each `[run]` there was observed on upstream's engine).
@Suite struct EngineTests {
    static func run(_ json: String, initialState: ScriptObject? = nil) async throws -> ExecutionResult {
        let workflow = try WorkflowParser(registry: NodeLibrary.registry()).parse(json: json)
        return await WorkflowEngine().run(workflow, initialState: initialState)
    }

    @Test func stepsRunInOrderAndEdgeDataReachesTheNextStepOnly() async throws {
        let result = try await Self.run("""
            {"id": "w", "name": "w", "version": "1.0.0", "initialState": {"a": 2},
             "workflow": [{"math": {"operation": "add", "values": ["$.a", 3]}},
                          {"math": {"operation": "multiply", "values": ["$.mathResult", 10]}},
                          {"transform": {"operation": "stringify", "data": "$.mathResult"}}]}
            """)
        #expect(result.status == .completed)
        let state = try #require(result.finalState)
        #expect(state["mathResult"] == 50)
        #expect(state["transformResult"] == "50")
        // The last edge's data stays in the state, as upstream leaves it.
        #expect(state["_edgeContext"] == ["result": "50"])
        #expect(state["_edgeContextTimestamp"].stringValue?.hasSuffix("Z") == true)
    }

    @Test func stringsAreEqualOnlyWithTheSameCodeUnits() async throws {
        // "é" precomposed (U+00E9) and decomposed (e, U+0301): canonically equivalent, so equal
        // to Swift's `==`, but two different strings to JavaScript.
        let result = try await Self.run("""
            {"id": "w", "name": "w", "version": "1.0.0", "initialState": {"name": "\\u00e9"},
             "workflow": [{"logic": {"operation": "equal", "values": ["$.name", "e\\u0301"]}},
                          {"$.name": "e\\u0301"}]}
            """)
        let state = try #require(result.finalState)
        #expect(state["logicResult"] == false)
        // The write of the decomposed form is kept, not skipped as a value already there.
        #expect(state["name"].stringValue.map { Array($0.unicodeScalars) } == ["e", "\u{301}"])
    }

    @Test func aWholeStringReferenceKeepsItsTypeAndTemplatesMakeText() async throws {
        let result = try await Self.run("""
            {"id": "w", "name": "w", "version": "1.0.0", "initialState": {"user": {"name": "Ann", "tags": ["a"]}, "n": 4},
             "workflow": [{"$.copy": "$.user"}, {"$.text": "hi {{$.user.name}} {{$.user.tags}} {{$.missing}}!"},
                          {"$.literal": "$.items.0"}, {"$.expr": "$.n + 1"}]}
            """)
        let state = try #require(result.finalState)
        #expect(state["copy"] == ["name": "Ann", "tags": ["a"]])
        #expect(state["text"] == #"hi Ann ["a"] !"#)
        #expect(state["literal"] == "$.items.0")
        #expect(state["expr"] == "$.n + 1")
    }

    @Test func aRangeLoopRunsItsBodyPerValueAndExitsOnAnUnroutedEdge() async throws {
        let result = try await Self.run("""
            {"id": "w", "name": "w", "version": "1.0.0", "initialState": {"sum": 0},
             "workflow": [{"range...": {"start": 1, "stop": 5, "current_step?": {"math": {"operation": "add", "values": ["$.sum", "$.rangeValue"],
                            "success?": {"$.sum": "$.mathResult"}}}}},
                          "log"]}
            """)
        #expect(result.status == .completed)
        let state = try #require(result.finalState)
        #expect(state["sum"] == 10)
        #expect(state["rangeIndex"] == 4)
        #expect(state["rangeIsLast"] == true)
        #expect(state["__range_range..."]["currentIndex"] == 4)
    }

    @Test func aNullEdgeOnALoopRunsToTheLoopLimit() async throws {
        let result = try await Self.run("""
            {"id": "w", "name": "w", "version": "1.0.0",
             "workflow": [{"range...": {"stop": 3, "current_step?": null, "complete?": null}}]}
            """)
        #expect(result.status == .failed)
        #expect(result.error == "Loop limit exceeded for node: range...")
    }

    @Test func aBackwardJumpIsBoundedByTheStepBudget() async throws {
        let workflow = try WorkflowParser(registry: NodeLibrary.registry()).parse(json: """
            {"id": "w", "name": "w", "version": "1.0.0", "workflow": ["log", {"empty": {"nothing?": "log"}}]}
            """)
        let result = await WorkflowEngine(limits: ExecutionLimits(maxNodeRuns: 500)).run(workflow)
        #expect(result.status == .failed)
        #expect(result.error == "Step budget exceeded: more than 500 node runs")
    }

    @Test func everyProblemIsListedWithItsPointer() throws {
        let issues = WorkflowParser(registry: NodeLibrary.registry()).validate(try ScriptJSON.parse("""
            {"id": "bad id", "name": "", "version": "1.0",
             "workflow": [{"nope": {}}, {"math": {"operation": "add", "values": [1, null], "success?": "missing"}},
                          {"math": {"operation": 5}}, "range...", {"a": {}, "b": {}}]}
            """))
        #expect(issues.map(\.pointer) == [
            "/id", "/name", "/version", "/workflow/0/nope", "/workflow/1/math/values/1", "/workflow/1/math/success?",
            "/workflow/2/math/operation", "/workflow/4",
        ])
    }

    @Test func anExpressionOutsideTheLanguageIsAValidationErrorNamingTheNode() throws {
        let issues = WorkflowParser(registry: NodeLibrary.registry()).validate(try ScriptJSON.parse("""
            {"id": "w", "name": "w", "version": "1.0.0",
             "workflow": [{"switch": {"mode": "expression", "expression": "require('fs').readFileSync('/etc/passwd')"}},
                          {"validateData": {"validationType": "custom", "customValidator": "return process.exit(1)"}},
                          {"switch": {"mode": "expression", "expression": "item.age >= 18 ? 'adult' : 'minor'"}}]}
            """))
        #expect(issues.map(\.pointer) == ["/workflow/0/switch/expression", "/workflow/1/validateData/customValidator"])
        #expect(issues.first?.message.hasPrefix("switch expression: ") == true)
    }
}
