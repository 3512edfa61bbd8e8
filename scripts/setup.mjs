#!/usr/bin/env node
// `npm install` runs this after the Node dependencies are in place. It sets up everything else:
//   1. a project-local Python environment (.venv) with the pinned Jupyter tools,
//   2. the native TensorFlow backend for @tensorflow/tfjs-node,
//   3. the TypeScript kernel, registered inside .venv (never in the user's home folder),
//   4. the compiled course library (lib/dist) that notebook cells import.
// Every step checks whether it is already done, so re-running `npm install` is quick.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));
const venv = path.join(root, ".venv");
const venvPython = path.join(venv, "bin", "python");
const stampFile = path.join(venv, "course-setup.json");
const started = Date.now();

class SetupError extends Error {}

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) throw new SetupError(`could not start ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function mustRun(command, args, what, options = {}) {
  if (run(command, args, options) !== 0) throw new SetupError(`${what} failed (${command} ${args.join(" ")})`);
}

function sha256(...files) {
  const hash = createHash("sha256");
  for (const file of files) hash.update(fs.readFileSync(path.join(root, file)));
  return hash.digest("hex");
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(stampFile, "utf8"));
  } catch {
    return {};
  }
}

function writeStamp(stamp) {
  fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2) + "\n");
}

// ---------------------------------------------------------------- Python
function findPython() {
  // An explicit COURSE_PYTHON must work: silently falling back to another Python would hide the mistake.
  const candidates = process.env.COURSE_PYTHON ? [process.env.COURSE_PYTHON] : ["python3", "python"];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    if (probe.status !== 0) {
      if (process.env.COURSE_PYTHON) throw new SetupError(`COURSE_PYTHON=${candidate} does not run (${probe.error?.code ?? `exit ${probe.status}`}); point it at a Python 3.10+ or unset it.`);
      continue;
    }
    const [major, minor] = probe.stdout.trim().split(".").map(Number);
    if (major === 3 && minor >= 10) return candidate;
    log(`${candidate} is Python ${probe.stdout.trim()}; the course needs 3.10 or newer.`);
  }
  throw new SetupError(
    "Python 3.10 or newer was not found. Install it (Debian/Ubuntu: `apt-get install python3 python3-venv`), " +
      "or point COURSE_PYTHON at one (`COURSE_PYTHON=/path/to/python3 npm install`), then run `npm install` again. " +
      "Your Node packages are installed; only the Jupyter part is missing.",
  );
}

function setUpPython(stamp) {
  if (!fs.existsSync(venvPython)) {
    const python = findPython();
    log(`creating the Python environment .venv with ${python}`);
    if (run(python, ["-m", "venv", venv]) !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      throw new SetupError(
        `\`${python} -m venv\` failed. On Debian/Ubuntu install the venv module (\`apt-get install python3-venv\`), then run \`npm install\` again.`,
      );
    }
  }
  const wanted = sha256("requirements.txt");
  if (stamp.requirements === wanted) return;
  log("installing the pinned Jupyter tools from requirements.txt");
  mustRun(venvPython, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-warn-conflicts", "-r", path.join(root, "requirements.txt")], "pip install -r requirements.txt");
  stamp.requirements = wanted;
  writeStamp(stamp);
}

// ---------------------------------------------------------------- TensorFlow for tfjs-node
const tfjsNodeDir = path.dirname(require.resolve("@tensorflow/tfjs-node/package.json"));
const tfjsNodeVersion = require("@tensorflow/tfjs-node/package.json").version;
const addonPath = path.join(tfjsNodeDir, "lib", `napi-v${napiVersionOfAddon()}`, "tfjs_binding.node");

function napiVersionOfAddon() {
  // tfjs-node builds for the highest N-API version it lists that this Node supports.
  const listed = require("@tensorflow/tfjs-node/package.json").binary.napi_versions;
  const supported = Number(process.versions.napi);
  return Math.max(...listed.filter((v) => v <= supported));
}

function tfjsNodeLoads() {
  const probe = spawnSync(process.execPath, ["-e", "require('@tensorflow/tfjs-node')"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  return probe.status === 0;
}

function nodeGypEnv() {
  // node-gyp downloads Node's headers unless it is told where they are; use the running Node's own.
  const env = { ...process.env };
  const prefix = path.dirname(path.dirname(process.execPath));
  if (!env.npm_config_nodedir && fs.existsSync(path.join(prefix, "include", "node", "node.h"))) env.npm_config_nodedir = prefix;
  if (!env.npm_config_node_gyp) {
    const npmDir = process.env.npm_execpath ? path.dirname(path.dirname(process.env.npm_execpath)) : undefined;
    const bundled = npmDir && path.join(npmDir, "node_modules", "node-gyp", "bin", "node-gyp.js");
    if (bundled && fs.existsSync(bundled)) env.npm_config_node_gyp = bundled;
  }
  return env;
}

function tryStandardTfjsNodeInstall() {
  // The path tfjs-node takes on its own: download libtensorflow and a prebuilt addon.
  // It fails at once where Google's storage is unreachable (as on the course's CI machines).
  log("trying tfjs-node's standard install (downloads libtensorflow)");
  const status = spawnSync(process.execPath, ["scripts/install.js"], {
    cwd: tfjsNodeDir,
    stdio: "ignore",
    timeout: 3 * 60 * 1000, // a network that drops packets instead of refusing must not stall the install
    env: nodeGypEnv(),
  }).status;
  return status === 0 && tfjsNodeLoads();
}

function tensorflowPackageDir() {
  const probe = spawnSync(
    venvPython,
    ["-c", "import importlib.util, os; s = importlib.util.find_spec('tensorflow'); print(os.path.dirname(s.origin) if s and s.origin else '')"],
    { encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } },
  );
  const dir = probe.stdout?.trim();
  return dir && fs.existsSync(path.join(dir, "libtensorflow_cc.so.2")) ? dir : undefined;
}

function installTensorflowWheel(stamp) {
  const wanted = sha256("requirements-tensorflow.txt");
  const existing = tensorflowPackageDir();
  if (existing && stamp.tensorflowWheel === wanted) return existing;
  log("installing the pinned, checksum-verified tensorflow-cpu wheel into .venv (its C library only)");
  mustRun(
    venvPython,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--require-hashes", "-r", path.join(root, "requirements-tensorflow.txt")],
    "installing the tensorflow-cpu wheel",
  );
  stamp.tensorflowWheel = wanted;
  writeStamp(stamp);
  const dir = tensorflowPackageDir();
  if (!dir) throw new SetupError("the tensorflow-cpu wheel installed, but libtensorflow_cc.so.2 was not found in it");
  return dir;
}

function linkTensorflowIntoTfjsNode(tfDir) {
  // Lay the wheel's library out the way tfjs-node's build expects in deps/:
  // its binding links -ltensorflow -ltensorflow_framework and loads them from deps/lib at run time.
  const deps = path.join(tfjsNodeDir, "deps");
  const libDir = path.join(deps, "lib");
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(libDir, { recursive: true });
  const links = {
    "libtensorflow_cc.so.2": path.relative(libDir, path.join(tfDir, "libtensorflow_cc.so.2")),
    "libtensorflow_framework.so.2": path.relative(libDir, path.join(tfDir, "libtensorflow_framework.so.2")),
    "libtensorflow.so": "libtensorflow_cc.so.2",
    "libtensorflow.so.2.9.1": "libtensorflow_cc.so.2", // the name tfjs-node's install script checks for
    "libtensorflow_framework.so": "libtensorflow_framework.so.2",
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(libDir, name));
  fs.symlinkSync(path.relative(deps, path.join(tfDir, "include")), path.join(deps, "include"));
}

function addonCachePath(stamp) {
  const key = `tfjs-node-${tfjsNodeVersion}-napi${napiVersionOfAddon()}-${process.arch}-${stamp.tensorflowWheel.slice(0, 12)}`;
  return path.join(venv, "course-cache", `${key}.node`);
}

function buildTfjsNodeAddon(stamp) {
  const cached = addonCachePath(stamp);
  if (fs.existsSync(cached)) {
    fs.mkdirSync(path.dirname(addonPath), { recursive: true });
    fs.copyFileSync(cached, addonPath);
    if (tfjsNodeLoads()) {
      log("restored the tfjs-node addon built earlier against the wheel");
      return;
    }
  }
  log("building the tfjs-node addon against the wheel's libtensorflow (about 20 s)");
  const nodePreGyp = require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp", { paths: [tfjsNodeDir] });
  mustRun(process.execPath, [nodePreGyp, "install", "--build-from-source"], "building the tfjs-node addon", {
    cwd: tfjsNodeDir,
    env: { ...nodeGypEnv(), npm_config_loglevel: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.copyFileSync(addonPath, cached);
}

function setUpTensorflow(stamp) {
  if (process.env.COURSE_SKIP_TFJS_NODE === "1") {
    log("COURSE_SKIP_TFJS_NODE=1: leaving tfjs-node alone (the library will fall back to wasm)");
    return;
  }
  if (tfjsNodeLoads()) return;
  if (process.env.COURSE_TFJS_NODE_FROM_WHEEL !== "1" && !stamp.standardTfjsNodeFailed && tryStandardTfjsNodeInstall()) return;
  stamp.standardTfjsNodeFailed = true;
  writeStamp(stamp);
  const tfDir = installTensorflowWheel(stamp);
  linkTensorflowIntoTfjsNode(tfDir);
  buildTfjsNodeAddon(stamp);
  if (!tfjsNodeLoads()) throw new SetupError("the tfjs-node addon was built but does not load; run `node -e \"require('@tensorflow/tfjs-node')\"` to see why");
}

// ---------------------------------------------------------------- the kernel
function registerKernel() {
  // Jupyter run from .venv looks for kernels in .venv/share/jupyter/kernels: nothing goes to ~/.local.
  const dir = path.join(venv, "share", "jupyter", "kernels", "typescript");
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    // The course's own kernel (kernel/dist, compiled by buildLibrary) on tslab's TypeScript compiler.
    argv: [process.execPath, path.join(root, "kernel", "dist", "main.js"), "{connection_file}"],
    display_name: "TypeScript",
    language: "typescript",
    interrupt_mode: "signal",
    env: { TF_CPP_MIN_LOG_LEVEL: "2" },
    metadata: { course: "generative-models", engine: "course-kernel on tslab 1.0.22" },
  };
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
}

// ---------------------------------------------------------------- the library
function buildLibrary() {
  const tsc = require.resolve("typescript/bin/tsc");
  mustRun(process.execPath, [tsc, "-p", path.join(root, "lib")], "compiling lib/ (tsc -p lib)");
  mustRun(process.execPath, [tsc, "-p", path.join(root, "kernel")], "compiling the kernel (tsc -p kernel)");
}

function main() {
  const stamp = readStamp();
  setUpPython(stamp);
  setUpTensorflow(stamp);
  registerKernel();
  buildLibrary();
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`\n[setup] ${error.message}\n`);
  process.exit(1);
}
