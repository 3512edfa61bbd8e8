// `await check("pca.covariance", centerAndCovariance)`: the check cell after each exercise cell.
// It shows one line per visible case, ✓ or ✗ with the reason, and never a stack trace.
import * as tf from "@tensorflow/tfjs";
import { display } from "../display/bundle";
import { NotImplementedError } from "./assert";
import { CaseResult, Exercise, runCases } from "./runner";
import { pcaExercises } from "./pca";
import { convolutionExercises } from "./convolution";
import { autoencodersExercises } from "./autoencoders";
import { vaeExercises } from "./vae";
import { ganExercises } from "./gan";
import { escapeHtml } from "../display/escape";

const visibleExercises = new Map<string, Exercise<never>>();

/** Makes an exercise's visible cases available to `check` (the topic modules register theirs below). */
export function registerExercises(exercises: readonly Exercise<never>[]): void {
  for (const exercise of exercises) visibleExercises.set(exercise.id, exercise);
}
registerExercises(pcaExercises as unknown as Exercise<never>[]);
registerExercises(convolutionExercises as unknown as Exercise<never>[]);
registerExercises(autoencodersExercises as unknown as Exercise<never>[]);
registerExercises(vaeExercises as unknown as Exercise<never>[]);
registerExercises(ganExercises as unknown as Exercise<never>[]);

export function findExercise(id: string): Exercise<never> {
  const exercise = visibleExercises.get(id);
  if (!exercise) throw new Error(`unknown exercise "${id}": known ones are ${[...visibleExercises.keys()].join(", ")}`);
  return exercise;
}

const MARK: Record<CaseResult["status"], string> = { passed: "✓", failed: "✗", "not implemented": "…", error: "✗" };


export function formatResults(exercise: Exercise<never>, results: CaseResult[]): { text: string; html: string } {
  const passed = results.filter((r) => r.status === "passed").length;
  const header = `${exercise.title} (${exercise.id}): ${passed}/${results.length} checks passed`;
  const lines = results.map((r) => `${MARK[r.status]} ${r.name}${r.message ? `\n    ${r.message.replace(/\n/g, "\n    ")}` : ""}`);
  const colour = (r: CaseResult) => (r.status === "passed" ? "#1a7f37" : r.status === "not implemented" ? "#9a6700" : "#cf222e");
  const html =
    `<div class="course-check"><b>${escapeHtml(header)}</b><ul style="list-style:none;padding-left:0.5em;margin:0.3em 0">` +
    results
      .map((r) => `<li style="color:${colour(r)}">${MARK[r.status]} ${escapeHtml(r.name)}` +
        (r.message ? `<pre style="margin:0.2em 0 0.4em 1.5em;white-space:pre-wrap;color:inherit">${escapeHtml(r.message)}</pre>` : "") + "</li>")
      .join("") +
    "</ul></div>";
  return { text: [header, ...lines].join("\n"), html };
}

/** Runs the visible checks of one exercise against the student's function and shows the results. */
export async function check(exerciseId: string, implementation: unknown): Promise<void> {
  const exercise = findExercise(exerciseId);
  if (typeof implementation !== "function") {
    display({ "text/plain": `✗ ${exercise.title}: expected the function ${exercise.functionName}, got ${typeof implementation}. Run the exercise cell above first.` });
    return;
  }
  const results = await runCases(exercise.cases, implementation as never);
  const { text, html } = formatResults(exercise, results);
  display({ "text/plain": text, "text/html": html });
}

/**
 * Runs the student's version of a step, or the library's while the exercise is not done yet,
 * so that demos run in the student edition too. Other errors from the student's code propagate.
 */
export async function yoursOrReference<T>(what: string, yours: () => T | Promise<T>, reference: () => T | Promise<T>): Promise<T> {
  try {
    return await yours();
  } catch (error) {
    if (!(error instanceof NotImplementedError)) throw error;
    display({ "text/plain": `(${what}: exercise ${error.exercise} is not done yet, so this uses the library's version)` });
    return reference();
  }
}

/**
 * The student's function, or the library's while the exercise is not done yet, for a demo that
 * calls it many times (e.g. a loss inside a training loop). The stub is found out by calling it once
 * on `probe()`'s arguments; tensors made by that call are freed.
 */
export async function yourFunctionOrReference<F extends (...args: never[]) => unknown>(what: string, yours: F, reference: F, probe: () => unknown[]): Promise<F> {
  tf.engine().startScope();
  try {
    await (yours as unknown as (...args: unknown[]) => unknown)(...probe());
    return yours;
  } catch (error) {
    if (!(error instanceof NotImplementedError)) throw error;
    display({ "text/plain": `(${what}: exercise ${error.exercise} is not done yet, so this uses the library's version)` });
    return reference;
  } finally {
    tf.engine().endScope();
  }
}
