// The whole project type-checks in strict mode with the project's own TypeScript (not tslab's 5.0.4).
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect, it } from "vitest";

it("tsc --noEmit passes on lib, solutions, exercises, tests and scripts", () => {
  const root = path.resolve(__dirname, "..");
  const run = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", root, "--noEmit"], { encoding: "utf8" });
  expect(run.stdout + run.stderr).toBe("");
  expect(run.status).toBe(0);
}, 120_000);
