// The sandbox's isolation holds: a program started with exactly the grader's command line cannot
// read solutions/ or the hidden tests, cannot write outside its own folder, has no network, and
// cannot start processes, workers or native addons.
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../scripts/course/exercises";
import { gradeSubmissions } from "../scripts/grader/grade";
import { detectNetworkIsolation, sandboxCommand, SandboxSettings } from "../scripts/grader/sandbox";
import { corpus } from "./grader-corpus/corpus";

let folder: string;
let own: string;
let server: net.Server;
let port = 0;
let verdicts: Record<string, string>;

const PROBE = String.raw`
const fs = require("node:fs");
const net = require("node:net");
const results = {};
const attempt = (name, action) => { try { action(); results[name] = "allowed"; } catch (error) { results[name] = "denied: " + (error.code || error.message); } };
attempt("read solutions/pca.ts", () => fs.readFileSync(process.env.ROOT + "/solutions/pca.ts"));
attempt("read tests/hidden/pca.ts", () => fs.readFileSync(process.env.ROOT + "/tests/hidden/pca.ts"));
attempt("list tests/hidden", () => fs.readdirSync(process.env.ROOT + "/tests/hidden"));
attempt("read lib/src/checks/pca.ts", () => fs.readFileSync(process.env.ROOT + "/lib/src/checks/pca.ts"));
attempt("write into the repository", () => fs.writeFileSync(process.env.ROOT + "/sandbox-was-here", "x"));
attempt("write /tmp", () => fs.writeFileSync("/tmp/sandbox-was-here", "x"));
attempt("write its own folder", () => fs.writeFileSync(process.cwd() + "/scratch.txt", "x"));
attempt("read node_modules", () => fs.readFileSync(process.env.ROOT + "/node_modules/@tensorflow/tfjs/package.json"));
attempt("start a child process", () => require("node:child_process").spawnSync("true"));
attempt("start a worker", () => new (require("node:worker_threads").Worker)("1", { eval: true }));
attempt("load a native addon", () => require(process.env.ROOT + "/node_modules/@tensorflow/tfjs-node"));
attempt("open the inspector", () => require("node:inspector").open(0));
let pending = 2;
const finish = () => { if (--pending === 0) { process.stdout.write(JSON.stringify(results)); process.exit(0); } };
const connect = (name, host) => {
  const socket = net.connect({ host, port: Number(process.env.PORT) });
  const timer = setTimeout(() => { results[name] = "denied: no answer"; socket.destroy(); finish(); }, 3000);
  socket.on("connect", () => { clearTimeout(timer); results[name] = "allowed"; socket.destroy(); finish(); });
  socket.on("error", (error) => { clearTimeout(timer); results[name] = "denied: " + error.code; finish(); });
};
connect("connect to the grader's machine (127.0.0.1)", "127.0.0.1");
connect("connect to the internet (1.1.1.1)", "1.1.1.1");
`;

beforeAll(async () => {
  server = net.createServer((socket) => socket.end("hello")).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as net.AddressInfo).port;
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "grader-isolation-"));
  own = path.join(folder, "submission");
  fs.mkdirSync(own);
  const harnessFile = path.join(folder, "probe.js");
  fs.writeFileSync(harnessFile, PROBE);
  const settings = { root: ROOT, harnessFile, memoryMb: 512, network: detectNetworkIsolation() } as SandboxSettings;
  const { command, args } = sandboxCommand(settings, own);
  // The grader runs this command with spawn(); spawnSync would block the test's own server, so the
  // loopback probe is answered asynchronously.
  const { spawn } = await import("node:child_process");
  const child = spawn(command, args, { cwd: own, env: { PATH: process.env.PATH, ROOT, PORT: String(port) } });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  await new Promise((resolve) => child.on("close", resolve));
  verdicts = JSON.parse(stdout);
}, 60_000);

afterAll(() => {
  server?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

it("uses a network namespace on this machine (unshare --net)", () => {
  expect(detectNetworkIsolation()).toBe("namespace");
  expect(spawnSync("unshare", ["--net", "true"]).status).toBe(0);
});

it.each([
  "read solutions/pca.ts",
  "read tests/hidden/pca.ts",
  "list tests/hidden",
  "read lib/src/checks/pca.ts",
  "write into the repository",
  "write /tmp",
  "start a child process",
  "start a worker",
  "load a native addon",
  "open the inspector",
  "connect to the grader's machine (127.0.0.1)",
  "connect to the internet (1.1.1.1)",
])("denies: %s", (what) => {
  expect(verdicts[what], JSON.stringify(verdicts, null, 1)).toMatch(/^denied/);
  expect(fs.existsSync(path.join(ROOT, "sandbox-was-here"))).toBe(false);
});

it.each(["write its own folder", "read node_modules"])("allows: %s", (what) => {
  expect(verdicts[what], JSON.stringify(verdicts, null, 1)).toBe("allowed");
});

it("without a network namespace, the harness's in-process guard refuses sockets (the fallback where unshare is not permitted)", async () => {
  const base = corpus().find((e) => e.student === "all-correct")!.text;
  const notebook = JSON.parse(base);
  const cell = notebook.cells.find((c: { metadata: { course?: { exercise?: string } } }) => c.metadata.course?.exercise === "pca.explained");
  cell.source = [
    'import * as net from "node:net";\n',
    "function explainedVarianceRatio(eigenvalues: number[]): number[] {\n",
    '  net.connect(80, "1.1.1.1").on("error", () => undefined);\n',
    "  return eigenvalues.map(() => 1);\n",
    "}\n",
  ];
  const out = path.join(folder, "in-process");
  const run = await gradeSubmissions([{ student: "socket", origin: "test", notebooks: [{ name: "01-pca.ipynb", text: JSON.stringify(notebook) }], problems: [] }], { out, topics: ["pca"], network: "in-process" });
  const explained = run.reports[0].exercises.find((e) => e.id === "pca.explained")!;
  expect(run.network).toBe("in-process");
  expect(explained.cases[0].message).toMatch(/opening a network connection is not allowed while grading/);
  expect(explained.score).toBe(0);
}, 300_000);
