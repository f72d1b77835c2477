// Throughput of the upstream Workscript engine (TypeScript, under Bun), in process.
//
//   TZ=UTC bun Benchmarks/workscript_upstream.ts <workflow.json> [runs=3000] [warmups=200]
//
// Needs the upstream checkout prepared by scripts/workscript/record-fixtures
// ($WORKSCRIPT_UPSTREAM, default /tmp/workscript-upstream). One service is built
// the way upstream's WorkflowService builds it (registry with ALL_NODES, state
// manager, hook manager with its six hooks, engine, parser); each run then parses
// and executes the workflow, as WorkflowService.executeWorkflow does, minus the
// service-token minting. No database, HTTP or socket work is involved. Console
// output from nodes is silenced while timing.
//
// Prints one JSON line:
//   {"executions": n, "seconds": s, "executionsPerSecond": x, "nodesPerExecution": k}
// nodesPerExecution counts node:before-execute events (top-level and nested node
// executions; registry-only runs of string edge targets emit none) in one probe run.

import { readFileSync } from 'node:fs';
import { createService, runOnce } from '../scripts/workscript/record.ts';

const [path, runsArg, warmupArg] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: workscript_upstream.ts <workflow.json> [runs] [warmups]\n');
  process.exit(2);
}
const runs = Number(runsArg ?? 3000);
const warmups = Number(warmupArg ?? 200);
const definition = JSON.parse(readFileSync(path, 'utf8'));

const quiet = () => {};
const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
console.log = quiet; console.info = quiet; console.warn = quiet; console.error = quiet; console.debug = quiet;

// Probe: a separate service with one extra counting hook, so the timed service
// carries only upstream's hooks.
const probe = await createService();
let nodeEvents = 0;
probe.hookManager.register('node:before-execute', { name: 'bench-node-counter', handler: async () => { nodeEvents++; } });
const probeResult = await runOnce(probe, structuredClone(definition));
if (probeResult.valid === false || probeResult.status !== 'completed') {
  Object.assign(console, saved);
  process.stderr.write(`workflow did not complete: ${JSON.stringify(probeResult)}\n`);
  process.exit(1);
}

const service = await createService();
for (let i = 0; i < warmups; i++) {
  await runOnce(service, structuredClone(definition));
}
// The definition is cloned outside the timed region; parsing happens inside it.
const inputs = Array.from({ length: runs }, () => structuredClone(definition));
let failures = 0;
const start = Bun.nanoseconds();
for (let i = 0; i < runs; i++) {
  const r = await runOnce(service, inputs[i]);
  if (r.status !== 'completed') failures++;
}
const seconds = (Bun.nanoseconds() - start) / 1e9;
Object.assign(console, saved);

if (failures > 0) {
  process.stderr.write(`${failures} of ${runs} runs did not complete\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({
  executions: runs,
  seconds: Number(seconds.toFixed(6)),
  executionsPerSecond: Number((runs / seconds).toFixed(1)),
  nodesPerExecution: nodeEvents,
}) + '\n');
// Each execution leaves a 60 s state clean-up timer behind; do not wait for them.
process.exit(0);
