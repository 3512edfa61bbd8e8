// The program that runs inside each sandboxed process. It uses only Node's built-in modules and is
// compiled to a plain .js file by the parent. Order matters: everything trusted (the case runner,
// the cases, hidden ones included) arrives over IPC and is loaded BEFORE any student code; then
// the process is locked down (frozen intrinsics come from the command line, the rest from here),
// then each exercise module is loaded and its cases run. Results go back over the IPC channel with
// a token the student's code cannot see; the parent scores from those messages only.
import { builtinModules, createRequire } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";

interface Work {
  id: string;
  functionName: string;
  js: string;
  cases: number[];
}

interface StartMessage {
  type: "start";
  token: string;
  root: string;
  modules: Record<string, string>;
  entries: { registry: string; runner: string; assert: string; backend: string };
  topic: Record<string, string>;
  work: Work[];
  /** Compiled module of each exercise of the submission that compiled, by id: cells may import each other. */
  sources: Record<string, string>;
  blockNetworkInProcess: boolean;
}

type Case = { run(implementation: unknown): unknown };
type Runner = { runCase(c: Case, fn: unknown): Promise<{ status: string; message: string; seconds: number }> };
type Registry = { topicTests: Record<string, { exercises: { id: string; cases: Case[] }[]; hidden: Record<string, Case[]> }> };

// Captured before anything else runs, so later code cannot redirect them.
const send = process.send!.bind(process);
const disconnect = process.disconnect.bind(process);
const MAX_MESSAGE = 2000;

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, MAX_MESSAGE);
  return `threw ${String(error)}`.slice(0, MAX_MESSAGE);
}

function moduleLoader(root: string, modules: Record<string, string>) {
  const realRequire = createRequire(path.join(root, "package.json"));
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  function load(file: string): Record<string, unknown> {
    const cached = cache.get(file);
    if (cached) return cached.exports;
    const module = { exports: {} as Record<string, unknown> };
    cache.set(file, module);
    const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${modules[file]}\n})`, { filename: file });
    const localRequire = (specifier: string) => {
      if (!specifier.startsWith(".")) return realRequire(specifier);
      const base = path.resolve(path.dirname(file), specifier);
      const resolved = [`${base}.ts`, path.join(base, "index.ts"), base].find((candidate) => modules[candidate] !== undefined);
      if (!resolved) throw new Error(`trusted module ${file} imports ${specifier}, which was not sent to the sandbox`);
      return load(resolved);
    };
    wrapper(module.exports, localRequire, module, file, path.dirname(file));
    return module.exports;
  }
  return { load, realRequire, freezeAll: () => cache.forEach((m) => Object.freeze(m.exports)) };
}

function refuse(what: string): () => never {
  return () => {
    throw new Error(`${what} is not allowed while grading`);
  };
}

/** Makes the globals and process functions the harness relies on impossible to replace. */
function lockDown(realRequire: NodeRequire, blockNetwork: boolean): void {
  const v8 = realRequire("node:v8") as Record<string, unknown>;
  // A heap snapshot would expose everything in memory, hidden cases included.
  for (const name of ["getHeapSnapshot", "writeHeapSnapshot", "setFlagsFromString"]) v8[name] = refuse(`v8.${name}`);
  Object.freeze(v8);
  for (const name of ["exit", "reallyExit", "abort", "kill", "_kill", "dlopen", "chdir", "disconnect"]) {
    Object.defineProperty(process, name, { value: refuse(`process.${name}()`), writable: false, configurable: false });
  }
  // The real module system (and through it any package) stays out of reach of exercise code.
  Object.defineProperty(process, "mainModule", { value: undefined, writable: false, configurable: false });
  // The cases build their inputs with TensorFlow.js too: an exercise must not be able to replace its
  // functions or the Tensor methods (say, to make another exercise's inputs trivial).
  const tfCore = realRequire("@tensorflow/tfjs-core") as { Tensor: { prototype: object }; Variable: { prototype: object }; engine(): object };
  for (const shared of [realRequire("@tensorflow/tfjs"), tfCore, tfCore.Tensor.prototype, tfCore.Variable.prototype, Object.getPrototypeOf(tfCore.engine())]) Object.freeze(shared);
  if (blockNetwork) {
    // Only where no network namespace is available (see sandbox.ts): a guard inside the process.
    const net = realRequire("node:net") as { Socket: { prototype: Record<string, unknown> }; Server: { prototype: Record<string, unknown> } };
    net.Socket.prototype.connect = refuse("opening a network connection");
    net.Server.prototype.listen = refuse("listening on a network port");
    Object.freeze(net.Socket.prototype);
    Object.freeze(net.Server.prototype);
    const dgram = realRequire("node:dgram") as Record<string, unknown>;
    dgram.createSocket = refuse("opening a UDP socket");
    Object.freeze(dgram);
    Object.freeze(net);
  }
  const global = globalThis as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(global)) {
    const descriptor = Object.getOwnPropertyDescriptor(global, name);
    if (!descriptor?.configurable) continue;
    if ("value" in descriptor) Object.defineProperty(global, name, { value: descriptor.value, writable: false, enumerable: descriptor.enumerable, configurable: false });
    else Object.defineProperty(global, name, { ...descriptor, configurable: false });
  }
}

async function main(start: StartMessage): Promise<void> {
  const token = start.token;
  const report = (message: Record<string, unknown>) => send({ ...message, token });
  const loader = moduleLoader(start.root, start.modules);
  const backend = loader.load(start.entries.backend) as { initBackend(): Promise<unknown> };
  const runner = loader.load(start.entries.runner) as unknown as Runner;
  const assert = loader.load(start.entries.assert) as Record<string, unknown>;
  const registry = loader.load(start.entries.registry) as unknown as Registry;
  await backend.initBackend();
  const tf = loader.realRequire("@tensorflow/tfjs");

  const casesOf = (id: string): Case[] => {
    const tests = registry.topicTests[start.topic[id]];
    const exercise = tests?.exercises.find((e) => e.id === id);
    if (!exercise) throw new Error(`no cases registered for ${id}`);
    return [...exercise.cases, ...(tests.hidden[id] ?? [])];
  };
  const plan = start.work.map((w) => ({ ...w, all: casesOf(w.id) }));
  // What an exercise module gets from "@course/lib": TensorFlow.js, the stub helpers and the
  // assertions. The rest of the library (charts, data, models) has no place in an exercise and is
  // not loaded into the sandbox.
  const library = Object.freeze({ ...assert, tf, initBackend: backend.initBackend, __esModule: true });
  const builtins = new Set(builtinModules);
  // A cell that calls the student's function from another exercise cell imports that cell's module
  // ("./convolution.convMatrix"); each is evaluated once, and a cycle sees the exports made so far.
  const siblings = new Map<string, { exports: Record<string, unknown> }>();
  const loadSibling = (id: string) => {
    const loaded = siblings.get(id);
    if (loaded) return loaded.exports;
    const js = start.sources[id];
    if (js === undefined) throw new Error(`this cell uses the exercise cell ${id}, which did not compile: fix that cell first`);
    const module = { exports: {} as Record<string, unknown> };
    siblings.set(id, module);
    try {
      runModule(js, id, module);
    } catch (error) {
      siblings.delete(id); // the failure is reported once for each cell that needs it
      throw error;
    }
    return module.exports;
  };
  const studentRequire = (specifier: string): unknown => {
    if (specifier === "@course/lib") return library;
    if (specifier === "@tensorflow/tfjs") return tf;
    if (specifier.startsWith("./")) return loadSibling(specifier.slice(2));
    if (builtins.has(specifier.replace(/^node:/, ""))) return loader.realRequire(specifier);
    throw new Error(`an exercise cell may import only "@course/lib", "@tensorflow/tfjs" and Node's built-in modules, not "${specifier}"`);
  };
  const runModule = (js: string, id: string, module: { exports: Record<string, unknown> }) => {
    const file = `/submission/${id}.ts`;
    const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${js}\n})`, { filename: file });
    wrapper(module.exports, studentRequire, module, file, "/submission");
  };
  loader.freezeAll();
  lockDown(loader.realRequire as NodeRequire, start.blockNetworkInProcess);
  report({ type: "ready" });

  for (const work of plan) {
    report({ type: "exercise", id: work.id });
    let implementation: unknown;
    try {
      implementation = loadSibling(work.id)[work.functionName];
      if (typeof implementation !== "function") throw new Error(`the cell does not define the function ${work.functionName}`);
    } catch (error) {
      report({ type: "load-failed", id: work.id, message: describe(error) });
      continue;
    }
    for (const index of work.cases) {
      report({ type: "case", id: work.id, index });
      const outcome = await runner.runCase(work.all[index], implementation);
      report({ type: "result", id: work.id, index, status: outcome.status, message: String(outcome.message).slice(0, MAX_MESSAGE), seconds: outcome.seconds });
    }
  }
  // Closing the channel once "done" is written lets the process end by itself (flushing its output);
  // the parent kills it after a short grace period if the student's timers keep it alive.
  send({ type: "done", token }, () => disconnect());
}

process.once("message", (message: StartMessage) => {
  main(message).catch((error) => {
    send({ type: "harness-error", token: message.token, message: describe(error) });
  });
});
