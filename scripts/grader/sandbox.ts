// Runs one submission's exercises in sandboxed child processes and collects what each case did.
// Isolation: Node's permission model (reads only node_modules, the harness file and the
// submission's own temporary folder; writes only that folder; no child processes, workers, addons,
// inspector), a network namespace with no interfaces (`unshare --net`), a heap limit plus a
// resident-memory watchdog, and wall-clock limits per case and per submission. A hung or crashed
// process is killed and a fresh one continues with the next case.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CaseStatus } from "./types";

export interface SandboxWork {
  id: string;
  topic: string;
  functionName: string;
  js: string;
  /** Indices into the exercise's cases (visible first, then hidden). */
  cases: number[];
}

export interface SandboxSettings {
  root: string;
  harnessFile: string;
  trustedModules: Record<string, string>;
  entries: Record<"registry" | "runner" | "assert" | "backend", string>;
  caseTimeoutMs: number;
  submissionTimeoutMs: number;
  /** Resident memory a sandbox may use; its JavaScript heap gets half of it. */
  memoryMb: number;
  /** The TensorFlow.js backend inside the sandbox (native addons are not allowed there). */
  backend: string;
  network: NetworkIsolation;
}

export type NetworkIsolation = "namespace" | "in-process";

export interface RawCaseOutcome {
  status: CaseStatus;
  message: string;
  seconds: number;
}

export interface SandboxResult {
  /** Keyed `${exerciseId}#${caseIndex}`. */
  cases: Map<string, RawCaseOutcome>;
  loadFailures: Map<string, string>;
  /** Bytes the sandboxes wrote to stdout and stderr: counted, then dropped (only stderr's last 4 KB is kept, for crash reasons). */
  output: { bytes: number };
  processes: number;
  /** Set when the sandbox itself could not start: an instructor-side problem, not the student's. */
  startupProblem?: string;
}

const STDERR_TAIL_BYTES = 4096;
const STARTUP_TIMEOUT_MS = 60_000;
const MEMORY_POLL_MS = 100;
/** After "done", how long the process may take to flush its output and exit before it is killed. */
const DONE_GRACE_MS = 2_000;

/** `unshare --net` gives a process a network namespace with nothing in it; where it is not permitted, the harness guards net/dgram in-process. */
export function detectNetworkIsolation(): NetworkIsolation {
  const probe = spawnSync("unshare", ["--net", "true"], { stdio: "ignore" });
  return probe.status === 0 ? "namespace" : "in-process";
}

function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function sandboxCommand(settings: SandboxSettings, ownFolder: string): { command: string; args: string[] } {
  // Module resolution looks at node_modules as given, then at its real path (it may be a symlink).
  const nodeModules = [...new Set([path.join(settings.root, "node_modules"), fs.realpathSync(path.join(settings.root, "node_modules"))])];
  const node = [
    "--experimental-permission",
    ...nodeModules.map((folder) => `--allow-fs-read=${folder}/*`),
    `--allow-fs-read=${settings.harnessFile}`,
    `--allow-fs-read=${ownFolder}/*`,
    `--allow-fs-write=${ownFolder}/*`,
    `--max-old-space-size=${Math.max(64, Math.floor(settings.memoryMb / 2))}`,
    "--frozen-intrinsics",
    "--disable-proto=delete",
    "--no-warnings",
    settings.harnessFile,
  ];
  return settings.network === "namespace" ? { command: "unshare", args: ["--net", "--", process.execPath, ...node] } : { command: process.execPath, args: node };
}

type Position = { id: string; index?: number } | undefined;

export async function runSandboxed(work: SandboxWork[], settings: SandboxSettings, ownFolder: string): Promise<SandboxResult> {
  const result: SandboxResult = { cases: new Map(), loadFailures: new Map(), output: { bytes: 0 }, processes: 0 };
  const deadline = Date.now() + settings.submissionTimeoutMs;
  const remaining = () =>
    work
      .filter((w) => !result.loadFailures.has(w.id))
      .map((w) => ({ ...w, cases: w.cases.filter((i) => !result.cases.has(`${w.id}#${i}`)) }))
      .filter((w) => w.cases.length > 0);
  // Every compiled module of the submission, also those whose cases are done: another cell may import it.
  const sources = Object.fromEntries(work.map((w) => [w.id, w.js]));

  while (remaining().length > 0) {
    if (Date.now() >= deadline) {
      for (const w of remaining()) for (const i of w.cases) result.cases.set(`${w.id}#${i}`, { status: "not run", message: `not run: the submission's time limit (${settings.submissionTimeoutMs / 1000} s) was reached first`, seconds: 0 });
      break;
    }
    const attempt = await runOnce(remaining(), sources, settings, ownFolder, deadline, result);
    result.processes++;
    if (attempt.startupProblem) {
      result.startupProblem = attempt.startupProblem;
      for (const w of remaining()) for (const i of w.cases) result.cases.set(`${w.id}#${i}`, { status: "not run", message: "not run: the grading sandbox could not start (the instructor has been told)", seconds: 0 });
      break;
    }
  }
  return result;
}

interface Attempt {
  startupProblem?: string;
}

function runOnce(work: SandboxWork[], sources: Record<string, string>, settings: SandboxSettings, ownFolder: string, deadline: number, result: SandboxResult): Promise<Attempt> {
  return new Promise((resolve) => {
    const token = randomBytes(24).toString("hex");
    const { command, args } = sandboxCommand(settings, ownFolder);
    const child: ChildProcess = spawn(command, args, {
      cwd: ownFolder,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ownFolder, TMPDIR: ownFolder, COURSE_BACKEND: settings.backend, TF_CPP_MIN_LOG_LEVEL: "2", NODE_ENV: "production" },
      serialization: "json",
    });
    let ready = false;
    let position: Position;
    let positionStarted = Date.now();
    let killedFor: "timeout" | "memory" | "submission" | undefined;
    let stderrTail = "";
    let finished = false;

    const countOutput = (chunk: Buffer, keepTail: boolean) => {
      result.output.bytes += chunk.length;
      if (keepTail) stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    };
    // Read everything so a flood cannot block the child, but keep almost nothing.
    child.stdout!.on("data", (chunk: Buffer) => countOutput(chunk, false));
    child.stderr!.on("data", (chunk: Buffer) => countOutput(chunk, true));

    const kill = (reason: typeof killedFor) => {
      if (killedFor || finished) return;
      killedFor = reason;
      child.kill("SIGKILL");
    };
    const watchdog = setInterval(() => {
      const now = Date.now();
      if (now >= deadline) kill("submission");
      else if (!ready && now - positionStarted > STARTUP_TIMEOUT_MS) kill("timeout");
      else if (ready && position && now - positionStarted > settings.caseTimeoutMs) kill("timeout");
      else if (child.pid && residentMb(child.pid) > settings.memoryMb) kill("memory");
    }, MEMORY_POLL_MS);

    const caseKey = (id: string, index: number) => `${id}#${index}`;
    child.on("message", (raw: unknown) => {
      const message = raw as { token?: string; type?: string; id?: string; index?: number; status?: string; message?: string; seconds?: number };
      if (message?.token !== token) return; // not from the harness: ignored
      switch (message.type) {
        case "ready":
          ready = true;
          positionStarted = Date.now();
          break;
        case "exercise":
          position = { id: String(message.id) };
          positionStarted = Date.now();
          break;
        case "case":
          position = { id: String(message.id), index: Number(message.index) };
          positionStarted = Date.now();
          break;
        case "load-failed":
          result.loadFailures.set(String(message.id), String(message.message));
          position = undefined;
          break;
        case "result": {
          const status = ["passed", "failed", "not implemented", "error"].includes(String(message.status)) ? (message.status as CaseStatus) : "error";
          result.cases.set(caseKey(String(message.id), Number(message.index)), { status, message: String(message.message ?? ""), seconds: Number(message.seconds) || 0 });
          position = undefined;
          break;
        }
        case "done":
          finished = true;
          setTimeout(() => child.kill("SIGKILL"), DONE_GRACE_MS).unref();
          break;
        case "harness-error":
          stderrTail += `\nharness: ${String(message.message)}`;
          break;
      }
    });

    child.on("close", (code, signal) => {
      clearInterval(watchdog);
      if (finished) return resolve({});
      if (!ready) {
        return resolve({ startupProblem: `the sandbox exited before it was ready (code ${code}, signal ${signal}${killedFor ? `, killed: ${killedFor}` : ""}): ${stderrTail.trim().slice(-1500)}` });
      }
      const seconds = (Date.now() - positionStarted) / 1000;
      const outOfHeap = /heap out of memory|Reached heap limit|Allocation failed/i.test(stderrTail);
      const why =
        killedFor === "timeout" ? { status: "timeout" as const, text: `did not finish within ${settings.caseTimeoutMs / 1000} s (an infinite loop?)` }
        : killedFor === "memory" ? { status: "crashed" as const, text: `used more than ${settings.memoryMb} MB of memory and was stopped` }
        : killedFor === "submission" ? { status: "timeout" as const, text: `was running when the submission's time limit (${settings.submissionTimeoutMs / 1000} s) was reached` }
        : outOfHeap ? { status: "crashed" as const, text: `ran out of memory (the limit is ${settings.memoryMb} MB)` }
        : { status: "crashed" as const, text: `ended the process (exit code ${code ?? "none"}${signal ? `, signal ${signal}` : ""})` };
      // Between two cases (position unknown) the next pending case takes the blame, so every restart makes progress.
      const pending = work.find((w) => !result.loadFailures.has(w.id) && w.cases.some((i) => !result.cases.has(caseKey(w.id, i))))!;
      const current = position ?? { id: pending.id, index: pending.cases.find((i) => !result.cases.has(caseKey(pending.id, i))) };
      if (current.index === undefined) {
        // It died while loading the exercise's module: the whole exercise is lost, the others go on.
        result.loadFailures.set(current.id, `loading the exercise cell ${why.text}`);
      } else {
        result.cases.set(caseKey(current.id, current.index), { status: why.status, message: `this case ${why.text}`, seconds });
      }
      resolve({});
    });
    child.on("error", (error) => {
      clearInterval(watchdog);
      resolve({ startupProblem: `could not start ${command}: ${error.message}` });
    });
    child.send({
      type: "start",
      token,
      root: settings.root,
      modules: settings.trustedModules,
      entries: settings.entries,
      topic: Object.fromEntries(work.map((w) => [w.id, w.topic])),
      work: work.map(({ id, functionName, js, cases }) => ({ id, functionName, js, cases })),
      sources,
      blockNetworkInProcess: settings.network === "in-process",
    });
  });
}
