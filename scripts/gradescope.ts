// npm run gradescope [-- --topic pca] [--out build/autograder.zip]
// Builds the Gradescope autograder: a zip with setup.sh and run_autograder at its root (Gradescope's
// autograder specification) beside the grader and the course's cases, hidden ones included. On
// Gradescope the zip is unpacked into /autograder/source; setup.sh runs once when the
// image is built; run_autograder runs per submission with the student's files in
// /autograder/submission and must leave /autograder/results/results.json.
import * as fs from "node:fs";
import * as path from "node:path";
import JSZip from "jszip";
import { ROOT, topics as allTopics } from "./course/exercises";

/** What the autograder needs to grade: the grader, the cases (visible and hidden) and the solutions' signatures. */
const INCLUDED = [
  "package.json", "package-lock.json", "tsconfig.json", "lib/package.json", "lib/tsconfig.json", "lib/src", "solutions", "datasets",
  "tests/exercises/registry.ts", "tests/hidden", "scripts/course", "scripts/grader", "scripts/grade.ts",
];
const EXCLUDED = /(^|\/)(node_modules|dist|__pycache__)(\/|$)|\.tsbuildinfo$/;

const SETUP_SH = `#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image (Ubuntu): Node 20 and the course's pinned
# packages. Install scripts are skipped: the grader needs neither the native TensorFlow addon nor
# Python (the sandbox runs TensorFlow.js on its cpu backend).
set -euo pipefail
apt-get update
apt-get install -y ca-certificates curl gnupg util-linux
if ! node --version 2>/dev/null | grep -q '^v20\\.'; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
cd /autograder/source
npm ci --ignore-scripts --no-audit --no-fund
`;

function runAutograder(topics: string[]): string {
  return `#!/usr/bin/env bash
# Runs once per submission. AUTOGRADER_ROOT lets the tests run it against a simulated layout.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$ROOT/source" || exit 1
node node_modules/tsx/dist/cli.mjs scripts/grade.ts --single "$ROOT/submission" --student submission \\
  ${topics.map((t) => `--topic ${t}`).join(" ")} --out "$ROOT/results/feedback" --results-json "$RESULTS"
status=$?
if [ ! -s "$RESULTS" ]; then
  # The grader itself failed (not the student's code): say so instead of leaving Gradescope without results.
  printf '{"score": 0, "output": "The autograder could not grade this submission (exit status %s). Please tell the course staff.", "tests": []}\\n' "$status" > "$RESULTS"
fi
exit 0
`;
}

function listFiles(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!fs.existsSync(full)) throw new Error(`${relative} is missing: the autograder needs it`);
  if (EXCLUDED.test(relative)) return [];
  if (fs.statSync(full).isFile()) return [relative];
  return fs.readdirSync(full).sort().flatMap((name) => listFiles(path.posix.join(relative, name)));
}

export async function buildAutograderZip(file: string, topics: string[]): Promise<string[]> {
  const known = allTopics();
  for (const topic of topics) if (!known.includes(topic)) throw new Error(`unknown topic "${topic}": solutions/ defines ${known.join(", ")}`);
  const zip = new JSZip();
  zip.file("setup.sh", SETUP_SH, { unixPermissions: 0o755 });
  zip.file("run_autograder", runAutograder(topics), { unixPermissions: 0o755 });
  const files = INCLUDED.flatMap(listFiles);
  for (const relative of files) zip.file(relative, fs.readFileSync(path.join(ROOT, relative)));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" }));
  return files;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const topics: string[] = [];
  let out = path.join(ROOT, "build", "autograder.zip");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--topic" && argv[i + 1]) topics.push(argv[++i]);
    else if (argv[i] === "--out" && argv[i + 1]) out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}\nusage: npm run gradescope -- [--topic pca]... [--out build/autograder.zip]`);
  }
  const files = await buildAutograderZip(out, topics.length ? topics : allTopics());
  console.log(`wrote ${path.relative(process.cwd(), out)}: setup.sh, run_autograder and ${files.length} files (topics: ${(topics.length ? topics : allTopics()).join(", ")}). Upload it as the assignment's autograder on Gradescope.`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
