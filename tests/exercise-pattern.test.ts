// The exercise pattern holds for every topic: solutions pass every case, the generated stubs fail
// every case (so no test is vacuous), and exercises/ and the notebooks are in sync with solutions/.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runCase } from "../lib/src/checks";
import { notebookFor, parseSolutions, releaseFiles, topics } from "../scripts/course/exercises";
import { topicTests } from "./exercises/registry";

describe.each(topics())("topic %s", (topic) => {
  const tests = topicTests[topic];

  it("has tests registered for every exercise in solutions/", () => {
    expect(tests, `tests/exercises/registry.ts has no entry for ${topic}`).toBeDefined();
    const ids = parseSolutions(topic).exercises.map((e) => e.id).sort();
    expect(tests.exercises.map((e) => e.id).sort()).toEqual(ids);
    for (const exercise of tests.exercises) expect((tests.hidden[exercise.id] ?? []).length, `${exercise.id} has no hidden case`).toBeGreaterThan(0);
  });

  it("exercises/ and the notebook are in sync with solutions/ (else run `npm run release`)", () => {
    for (const { file, content } of releaseFiles(topic)) expect(fs.readFileSync(file, "utf8"), file).toBe(content);
  });

  it("the notebook's text holds no control characters (a TeX \\times or \\frac written through a string escape becomes a tab or a form feed)", () => {
    const notebook = JSON.parse(fs.readFileSync(notebookFor(topic), "utf8")) as { cells: { id: string; cell_type: string; source: string[] }[] };
    for (const cell of notebook.cells.filter((c) => c.cell_type === "markdown")) {
      const found = /[\u0000-\u0009\u000b-\u001f]/.exec(cell.source.join(""));
      expect(found && JSON.stringify(cell.source.join("").slice(Math.max(0, found.index - 20), found.index + 10)), `markdown cell ${cell.id}`).toBeNull();
    }
  });

  it("solutions pass every case and stubs fail every case", async () => {
    const solutions = (await import(`../solutions/${topic}.ts`)) as Record<string, never>;
    const stubs = (await import(`../exercises/${topic}.ts`)) as Record<string, never>;
    for (const exercise of tests.exercises) {
      for (const c of [...exercise.cases, ...(tests.hidden[exercise.id] ?? [])]) {
        const solved = await runCase(c, solutions[exercise.functionName]);
        expect(solved.status, `${exercise.id} / ${c.name} with the solution: ${solved.message}`).toBe("passed");
        const stubbed = await runCase(c, stubs[exercise.functionName]);
        expect(stubbed.status, `${exercise.id} / ${c.name} passed with the stub: the case tests nothing`).toBe("not implemented");
      }
    }
  });
});
