// Declares one vitest test per case (visible and hidden) of each exercise of a topic, run against
// the module behind the @impl alias: solutions/ by default, or COURSE_IMPL=<folder> (the grader).
import { describe, it } from "vitest";
import { assertCase, CheckCase, Exercise } from "../../lib/src/checks";

export function exerciseSuite(topic: string, implementation: Record<string, unknown>, exercises: readonly Exercise<never>[], hidden: Record<string, CheckCase<never>[]>): void {
  describe(topic, () => {
    for (const exercise of exercises) {
      describe(exercise.id, () => {
        const cases = [...exercise.cases.map((c) => ({ c, visibility: "visible" })), ...(hidden[exercise.id] ?? []).map((c) => ({ c, visibility: "hidden" }))];
        for (const { c, visibility } of cases) {
          it(`[${visibility}] ${c.name}`, async () => {
            const fn = implementation[exercise.functionName];
            if (typeof fn !== "function") throw new Error(`the implementation has no function ${exercise.functionName}`);
            await assertCase(c, fn as never);
          });
        }
      });
    }
  });
}
