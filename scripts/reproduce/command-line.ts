// The reproduction commands' flags: `--epochs 30`, `--activation elu`, `--hidden 500,500`, read from the
// command line, and written back as the command that reproduces a run (only the flags that differ
// from the defaults), which each result.json records; and the start every training reproduction shares.
import * as fs from "node:fs";
import * as path from "node:path";
import { describeBackend, initBackend } from "../../lib/src";

/** A flag's value that cannot be used: `npm run reproduce` prints its message alone, since no stack trace helps there. */
export class FlagError extends Error {
  override name = "FlagError";
}

function flagValue(name: string, argv: readonly string[]): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index < 0 ? undefined : String(argv[index + 1]);
}

/** A positive number. */
export function numericOption(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const given = flagValue(name, argv);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isFinite(value) || value <= 0) throw new FlagError(`--${name} needs a positive number, got ${given}`);
  return value;
}

/** One of fixed words. */
export function textOption<T extends string>(name: string, fallback: T, choices: readonly T[], argv: readonly string[] = process.argv): T {
  const given = flagValue(name, argv);
  if (given === undefined) return fallback;
  if (!choices.includes(given as T)) throw new FlagError(`--${name} must be one of ${choices.join(", ")}, got ${given}`);
  return given as T;
}

/** Whole numbers ≥ 1 separated by commas, e.g. layer sizes. */
export function sizesOption(name: string, fallback: number[], argv: readonly string[] = process.argv): number[] {
  const given = flagValue(name, argv);
  if (given === undefined) return fallback;
  const sizes = given.split(",").map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new FlagError(`--${name} needs whole numbers separated by commas, e.g. 500,500; got ${given}`);
  return sizes;
}

/**
 * Every setting read from its flag (`flags`), or its default: numbers with numericOption, lists of sizes with
 * sizesOption, words with textOption and their `choices`.
 */
export function settingsFromFlags<S extends object>(defaults: S, flags: Record<keyof S, string>, choices: Partial<Record<keyof S, readonly string[]>> = {}, argv: readonly string[] = process.argv): S {
  const settings = { ...defaults } as Record<keyof S, unknown>;
  for (const key of Object.keys(flags) as (keyof S)[]) {
    const fallback = defaults[key] as unknown;
    const name = flags[key];
    if (typeof fallback === "number") settings[key] = numericOption(name, fallback, argv);
    else if (Array.isArray(fallback)) settings[key] = sizesOption(name, fallback as number[], argv);
    else if (typeof fallback === "string") settings[key] = textOption(name, fallback, choices[key] ?? [fallback], argv);
    else throw new Error(`settingsFromFlags: the default of --${name} is neither a number, a list of sizes nor a word`);
  }
  return settings as S;
}

/** `npm run reproduce -- <figure>` with the flags (named in `flags`) whose settings differ from the defaults. */
export function reproduceCommand<S extends object>(figure: string, settings: S, defaults: S, flags: Record<keyof S, string>): string {
  const differing = (Object.keys(flags) as (keyof S)[])
    .filter((key) => String(settings[key]) !== String(defaults[key]))
    .map((key) => `--${flags[key]} ${settings[key]}`);
  return [`npm run reproduce -- ${figure}`, ...differing].join(" ");
}

/** For tests and timing runs: fewer images, no progress line. The command line always uses all of them. */
export interface RunLimits {
  trainLimit?: number;
  testLimit?: number;
  progress?: boolean;
}

/** A figure for result.json with the digits that matter (undefined stays undefined). */
export const rounded = (value: number | undefined, digits = 2): number | undefined => (value === undefined ? undefined : Number(value.toFixed(digits)));

/**
 * The start of a training reproduction: checks that the `whole` settings are whole numbers ≥ 1 (named by their flags),
 * starts the fastest backend and prints which one it is (stderr, beside the progress line). Returns the backend's
 * description and the start time, for result.json.
 */
export async function startReproduction<S extends object>(settings: S, flags: Record<keyof S, string>, whole: readonly (keyof S)[]): Promise<{ backend: string; started: Date }> {
  for (const key of whole) {
    const value = settings[key] as unknown as number;
    if (!Number.isInteger(value) || value < 1) throw new FlagError(`--${flags[key]} must be a whole number ≥ 1, got ${value}`);
  }
  await initBackend();
  const backend = await describeBackend();
  console.error(backend);
  return { backend, started: new Date() };
}

/** Writes a reproduction's result.json into outDir (made if missing) and returns the result. */
export function writeResult<Result>(outDir: string, result: Result): Result {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "result.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}
