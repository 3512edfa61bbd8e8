import { randomBytes } from "node:crypto";

/** MIME type → data. Binary data (PNG, ...) is a base64 string, as Jupyter expects. */
export type MimeBundle = Record<string, unknown>;

/**
 * Well-known symbol: an object with a `[DISPLAY](): MimeBundle` method knows how to display itself.
 * `Symbol.for` so that copies of this library loaded twice (notebook and kernel) agree on it.
 */
export const DISPLAY: unique symbol = Symbol.for("course.display");

export interface Displayable {
  [DISPLAY](): MimeBundle;
}

/** The content of a Jupyter `display_data` / `update_display_data` message. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id: string };
}

/** Sends one display message; `update` = replace the output with the same display_id. */
export type PublishDisplay = (content: DisplayContent, update: boolean) => void;

/** A kernel of ours installs its publisher under this global symbol. */
export const KERNEL_PUBLISH = Symbol.for("course.kernel.publish");

export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces the output in place (same display_id). */
  update(value: Displayable | MimeBundle | string): void;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Partial<Displayable>)[DISPLAY] === "function"
  );
}

/** Normalizes anything `display` accepts into a bundle with JSON-safe values. */
export function toMimeBundle(value: Displayable | MimeBundle | string): MimeBundle {
  if (typeof value === "string") return { "text/plain": value };
  const bundle = isDisplayable(value) ? value[DISPLAY]() : value;
  const normalized: MimeBundle = {};
  for (const [mime, data] of Object.entries(bundle)) {
    normalized[mime] = data instanceof Uint8Array ? Buffer.from(data).toString("base64") : data;
  }
  return normalized;
}

/**
 * Displays `value` as ONE output holding its whole bundle. Returns nothing, so that a notebook
 * cell ending in `display(...)` shows no stray value; use `openDisplay` to update in place.
 */
export function display(value: Displayable | MimeBundle | string): void {
  openDisplay(value);
}

/** Like `display`, and returns a handle that replaces that same output in place. */
export function openDisplay(value: Displayable | MimeBundle | string): DisplayHandle {
  const displayId = randomBytes(8).toString("hex");
  publish(displayId, toMimeBundle(value), false);
  return {
    displayId,
    update: (next) => publish(displayId, toMimeBundle(next), true),
  };
}

/** True when displays go to a notebook (our kernel's hook or tslab), false in plain Node. */
export function kernelAvailable(): boolean {
  return findPublisher() !== undefined;
}

function publish(displayId: string, data: MimeBundle, update: boolean): void {
  const publisher = findPublisher();
  if (publisher) {
    publisher({ data, metadata: {}, transient: { display_id: displayId } }, update);
  } else {
    process.stdout.write(plainText(data) + "\n");
  }
}

/** Looked up on every call: tslab swaps its writer for each executed cell. */
function findPublisher(): PublishDisplay | undefined {
  const installed = (globalThis as Record<symbol, unknown>)[KERNEL_PUBLISH];
  if (typeof installed === "function") return installed as PublishDisplay;
  return tslabPublisher();
}

const TSLAB_JUPYTER_MODULE = "tslab/dist/jupyter.js";

/**
 * tslab keeps the current cell's writer in `lastWriteDisplayData` of its jupyter module.
 * We only look the module up in require.cache: requiring it would load a TypeScript compiler.
 */
function tslabPublisher(): PublishDisplay | undefined {
  if (typeof require !== "function" || !require.cache) return undefined;
  for (const [key, loaded] of Object.entries(require.cache)) {
    if (!key.replace(/\\/g, "/").endsWith(TSLAB_JUPYTER_MODULE)) continue;
    const writer = (loaded?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === "function") return writer as PublishDisplay;
  }
  return undefined;
}

/** The one-line text shown outside a notebook. */
function plainText(data: MimeBundle): string {
  const text = data["text/plain"];
  if (typeof text === "string") return text;
  return `[display: ${Object.keys(data).join(", ")}]`;
}
