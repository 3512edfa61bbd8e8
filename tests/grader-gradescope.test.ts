// run_autograder from the autograder zip, run against a simulated /autograder layout in a temporary
// folder (the zip unpacked into source/, the packages setup.sh would install linked in), produces a
// valid results.json for a correct and for a broken submission.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import JSZip from "jszip";
import { beforeAll, expect, it } from "vitest";
import { ROOT } from "../scripts/course/exercises";
import { buildAutograderZip } from "../scripts/gradescope";
import { corpus } from "./grader-corpus/corpus";

let zipFile: string;
let folder: string;

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "gradescope-"));
  zipFile = path.join(folder, "autograder.zip");
  await buildAutograderZip(zipFile, ["pca"]);
}, 120_000);

async function unpack(into: string): Promise<void> {
  const zip = await JSZip.loadAsync(fs.readFileSync(zipFile));
  for (const entry of Object.values(zip.files)) {
    const target = path.join(into, entry.name);
    if (entry.dir) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await entry.async("nodebuffer"), { mode: entry.unixPermissions ? Number(entry.unixPermissions) & 0o777 : 0o644 });
  }
}

it("follows Gradescope's layout: setup.sh and run_autograder at the root, executable, with the grader and the hidden cases beside them", async () => {
  const zip = await JSZip.loadAsync(fs.readFileSync(zipFile));
  expect(zip.files["setup.sh"]).toBeDefined();
  expect(zip.files["run_autograder"]).toBeDefined();
  expect(Number(zip.files["run_autograder"].unixPermissions) & 0o111).not.toBe(0);
  expect(zip.files["tests/hidden/pca.ts"]).toBeDefined();
  expect(Object.keys(zip.files).some((n) => n.includes("node_modules"))).toBe(false);
});

it.each([
  ["correct", "all-correct", 13],
  ["broken (syntax error in one exercise)", "syntax-error", 10],
])("run_autograder writes a valid results.json for a %s submission", async (_label, student, score) => {
  const root = path.join(folder, `autograder-${student}`);
  await unpack(path.join(root, "source"));
  // What setup.sh's `npm ci` would have installed.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "source", "node_modules"));
  fs.mkdirSync(path.join(root, "submission"), { recursive: true });
  fs.writeFileSync(path.join(root, "submission", "01-pca.ipynb"), corpus().find((e) => e.student === student)!.text);
  const run = spawnSync("bash", [path.join(root, "source", "run_autograder")], { env: { ...process.env, AUTOGRADER_ROOT: root }, encoding: "utf8", timeout: 300_000 });
  expect(run.status, run.stderr).toBe(0);
  const results = JSON.parse(fs.readFileSync(path.join(root, "results", "results.json"), "utf8"));
  expect(results.score).toBe(score);
  expect(typeof results.execution_time).toBe("number");
  expect(results.tests).toHaveLength(13);
  for (const t of results.tests) {
    expect(typeof t.name).toBe("string");
    expect(t.score).toBeLessThanOrEqual(t.max_score);
    expect(["passed", "failed"]).toContain(t.status);
    expect(["visible", "hidden", "after_due_date", "after_published"]).toContain(t.visibility);
  }
}, 300_000);
