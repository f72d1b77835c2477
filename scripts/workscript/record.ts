// Records the upstream Workscript engine's results for the fixture corpus.
//
// Usage (normally through scripts/workscript/record-fixtures):
//   bun scripts/workscript/record.ts <corpus-dir> <output-dir> <volatile.json> [name ...]
//
// For every <corpus-dir>/<name>.json it writes <output-dir>/<name>.json:
//   {"valid": false, "errors": [{path, message, code}]}                 invalid document
//   {"valid": true, "status": "completed", "finalState": {...}}          run completed
//   {"valid": true, "status": "failed", "error": "..."}                  run failed
// Keys are sorted, indentation is two spaces, and the file ends with a newline.
// Inside finalState, the value of every key named in volatile.json is replaced
// by the string "<volatile>", at any depth.
//
// The upstream checkout is read from $WORKSCRIPT_UPSTREAM (default
// /tmp/workscript-upstream). Nothing from it is copied into this repository.

import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, basename } from 'node:path';

const UPSTREAM = process.env.WORKSCRIPT_UPSTREAM || '/tmp/workscript-upstream';

const engine: any = await import(join(UPSTREAM, 'packages/engine/src/index.ts'));
const nodes: any = await import(join(UPSTREAM, 'packages/nodes/src/index.ts'));

const VOLATILE = '<volatile>';

export interface Runner {
  run(definition: unknown): Promise<Record<string, unknown>>;
}

// Builds the same objects upstream's WorkflowService builds: a NodeRegistry
// holding ALL_NODES (source 'server'), a StateManager, a HookManager with the
// service's six hooks registered, an ExecutionEngine and a WorkflowParser.
// The hooks keep their names and event types; their bodies build the same
// payloads but send them nowhere (there is no socket server here).
export async function createService() {
  const registry = new engine.NodeRegistry();
  await registry.registerFromArray(nodes.ALL_NODES, { source: 'server' });
  const stateManager = new engine.StateManager();
  const hookManager = new engine.HookManager();
  const executionEngine = new engine.ExecutionEngine(registry, stateManager, hookManager);
  const parser = new engine.WorkflowParser(registry);

  const sink = (_message: unknown) => {};
  const hook = (eventType: string, name: string, payload: (ctx: any) => unknown) =>
    hookManager.register(eventType, {
      name,
      handler: async (ctx: any) => {
        sink({ type: eventType, payload: payload(ctx), timestamp: Date.now() });
      },
    });
  hook('workflow:before-start', 'websocket-workflow-start-broadcaster', (c) => ({
    workflowId: c.workflowId, timestamp: Date.now(), state: 'starting',
  }));
  hook('workflow:after-end', 'websocket-workflow-end-broadcaster', (c) => ({
    workflowId: c.workflowId, result: c.data?.result, timestamp: Date.now(), state: 'completed',
  }));
  hook('node:before-execute', 'websocket-node-start-broadcaster', (c) => ({
    workflowId: c.workflowId, nodeId: c.nodeId, nodeType: c.data?.nodeType, data: c.data,
    timestamp: Date.now(), state: 'executing',
  }));
  hook('node:after-execute', 'websocket-node-end-broadcaster', (c) => ({
    workflowId: c.workflowId, nodeId: c.nodeId, nodeType: c.data?.nodeType, result: c.data?.result,
    timestamp: Date.now(), state: 'completed',
  }));
  hook('workflow:error', 'websocket-workflow-error-broadcaster', (c) => ({
    workflowId: c.workflowId, error: c.data?.error, timestamp: Date.now(), state: 'error',
  }));
  hook('node:error', 'websocket-node-error-broadcaster', (c) => ({
    workflowId: c.workflowId, nodeId: c.nodeId, error: c.data?.error, timestamp: Date.now(), state: 'error',
  }));

  return { registry, stateManager, hookManager, executionEngine, parser };
}

// The database node keeps its tables in a static Map shared by every
// execution in the process. Each corpus workflow starts with it empty.
export function resetDatabaseMock() {
  for (const cls of nodes.ALL_NODES as any[]) {
    if (cls && 'mockDB' in cls && cls.mockDB instanceof Map) {
      cls.mockDB.clear();
    }
  }
}

// parse (validation included) then execute, as WorkflowService.executeWorkflow
// does, except that the parsed initialState is used as it is: no JWT_token.
export async function runOnce(service: any, definition: unknown): Promise<Record<string, unknown>> {
  let parsed: any;
  try {
    parsed = service.parser.parse(definition);
  } catch (error: any) {
    if (error && Array.isArray(error.errors)) {
      return {
        valid: false,
        errors: error.errors.map((e: any) => ({ path: e.path, message: e.message, code: e.code })),
      };
    }
    throw error;
  }
  const result = await service.executionEngine.execute(parsed);
  if (result.status === 'completed') {
    return { valid: true, status: 'completed', finalState: result.finalState };
  }
  return { valid: true, status: result.status, error: result.error };
}

export function replaceVolatile(value: unknown, keys: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceVolatile(v, keys));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = keys.has(k) ? VOLATILE : replaceVolatile(v, keys);
    }
    return out;
  }
  return value;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      out[k] = sortKeys((value as Record<string, unknown>)[k]);
    }
    return out;
  }
  return value;
}

export function stableJSON(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

function silenceConsole(): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const quiet = () => {};
  console.log = quiet; console.info = quiet; console.warn = quiet; console.error = quiet; console.debug = quiet;
  return () => Object.assign(console, saved);
}

async function main() {
  const [corpusDir, outDir, volatilePath, ...only] = process.argv.slice(2);
  if (!corpusDir || !outDir || !volatilePath) {
    process.stderr.write('usage: record.ts <corpus-dir> <output-dir> <volatile.json> [name ...]\n');
    process.exit(2);
  }
  const volatileKeys = new Set<string>(JSON.parse(readFileSync(volatilePath, 'utf8')));
  mkdirSync(outDir, { recursive: true });

  let names = readdirSync(corpusDir).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort();
  if (only.length > 0) names = names.filter((n) => only.includes(n));

  const counts: Record<string, number> = { invalid: 0, completed: 0, failed: 0 };
  for (const name of names) {
    const definition = JSON.parse(readFileSync(join(corpusDir, `${name}.json`), 'utf8'));
    const service = await createService();
    resetDatabaseMock();
    const restore = silenceConsole();
    let record: Record<string, unknown>;
    try {
      record = await runOnce(service, definition);
    } finally {
      restore();
    }
    if (record.finalState !== undefined) {
      record.finalState = replaceVolatile(record.finalState, volatileKeys);
    }
    writeFileSync(join(outDir, `${name}.json`), stableJSON(record));
    const kind = record.valid === false ? 'invalid' : String(record.status);
    counts[kind] = (counts[kind] || 0) + 1;
    process.stdout.write(`${kind.padEnd(9)} ${name}${record.error ? `  (${record.error})` : ''}\n`);
  }
  process.stdout.write(
    `${names.length} workflows: ${counts.completed} completed, ${counts.failed} failed, ${counts.invalid} invalid\n`,
  );
  // The engine schedules a 60 s state clean-up timer per execution; do not wait for them.
  process.exit(0);
}

if (import.meta.main) {
  await main();
}
