// The student bundle that `npm run release` writes holds the notebooks and the library but no
// solution, no hidden case and none of the grader.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import JSZip from "jszip";
import { beforeAll, expect, it } from "vitest";
import { buildStudentBundle, FORBIDDEN, solutionBodies } from "../scripts/grader/student-bundle";
import { topicTests } from "./exercises/registry";

let names: string[];
let texts: Map<string, string>;

beforeAll(async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "student-bundle-")), "student-bundle.zip");
  await buildStudentBundle(file);
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  names = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name.replace(/^generative-models-course\//, ""));
  texts = new Map(await Promise.all(Object.values(zip.files).filter((f) => !f.dir).map(async (f) => [f.name, await f.async("string")] as [string, string])));
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}, 120_000);

it("holds the notebooks, the stubs and the library", () => {
  expect(names).toContain("notebooks/01-pca.ipynb");
  expect(names).toContain("exercises/pca.ts");
  expect(names).toContain("lib/src/checks/pca.ts");
  expect(names).toContain("package.json");
});

it("holds no solutions/, no tests/ (hidden cases) and none of the grader", () => {
  for (const name of names) for (const pattern of FORBIDDEN) expect(name).not.toMatch(pattern);
  expect(names.some((n) => n.includes("hidden"))).toBe(false);
});

it("contains no solution body outside the library's reference code, and no hidden case anywhere", () => {
  const bodies = solutionBodies();
  expect(bodies.length).toBeGreaterThan(0);
  const hiddenNames = Object.values(topicTests).flatMap((t) => Object.values(t.hidden).flat().map((c) => c.name));
  expect(hiddenNames.length).toBeGreaterThan(0);
  for (const [name, text] of texts) {
    if (!name.startsWith("generative-models-course/lib/")) for (const { id, body } of bodies) expect(text.includes(body), `${name} contains the solution of ${id}`).toBe(false);
    for (const hidden of hiddenNames) expect(text.includes(hidden), `${name} names the hidden case "${hidden}"`).toBe(false);
  }
});
