// Throughput of Plinth's Workscript engine in process, the counterpart of
// Benchmarks/workscript_upstream.ts:
//
//   workscript-bench <workflow.json> [runs=3000] [warmups=200]
//
// Each run parses the document (already read into memory) and executes it, as the run route
// does, with no hooks. Prints one JSON line:
//   {"executions": n, "seconds": s, "executionsPerSecond": x, "nodesPerExecution": k}
import Foundation
import PlinthWorkscriptEngine
import Synchronization

struct CountingObserver: WorkflowObserver {
    let count: Counter
    final class Counter: Sendable {
        let value = Mutex(0)
    }
    func observe(_ event: WorkflowEvent) async {
        if event.kind == .nodeBeforeExecute { count.value.withLock { $0 += 1 } }
    }
}

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("usage: workscript-bench <workflow.json> [runs] [warmups]\n".utf8))
    exit(2)
}
let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 3000
let warmups = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 200
let document = try ScriptJSON.parse(Array(data))
let parser = WorkflowParser(registry: NodeLibrary.registry())

let counter = CountingObserver.Counter()
let probe = await WorkflowEngine(observers: [CountingObserver(count: counter)]).run(try parser.parse(document))
guard probe.status == .completed else {
    FileHandle.standardError.write(Data("workflow did not complete: \(probe.error ?? "?")\n".utf8))
    exit(1)
}
/// The loop runs off the main actor, where route handlers run: top-level code is main-actor
/// isolated, and each call from there would hop to the global executor and back.
@concurrent func measure(_ document: ScriptValue, runs: Int, warmups: Int) async throws -> (Duration, Int) {
    let engine = WorkflowEngine()
    for _ in 0..<warmups { _ = await engine.run(try parser.parse(document)) }
    var failures = 0
    let start = ContinuousClock.now
    for _ in 0..<runs {
        if await engine.run(try parser.parse(document)).status != .completed { failures += 1 }
    }
    return (ContinuousClock.now - start, failures)
}
let (elapsed, failures) = try await measure(document, runs: runs, warmups: warmups)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
guard failures == 0 else {
    FileHandle.standardError.write(Data("\(failures) of \(runs) runs did not complete\n".utf8))
    exit(1)
}
print(#"{"executions": \#(runs), "seconds": \#(String(format: "%.6f", seconds)), "executionsPerSecond": \#(String(format: "%.1f", Double(runs) / seconds)), "nodesPerExecution": \#(counter.value.withLock { $0 })}"#)
