// What a cell's last expression shows: its own MIME bundle, a tensor's values, or readable text.
import { inspect } from "node:util";
import { escapeHtml } from "./html";

export type MimeBundle = Record<string, unknown>;

/** Objects with this method (the course library's charts, image grids, tables) display themselves. */
const DISPLAY = Symbol.for("course.display");
const TABLE_LIMIT = 32;

interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed: boolean;
  toString(verbose?: boolean): string;
  arraySync(): unknown;
}

function isTensor(value: unknown): value is TensorLike {
  const candidate = value as Partial<TensorLike> | null;
  return (
    typeof value === "object" && value !== null && Array.isArray(candidate?.shape) && typeof candidate?.dtype === "string" &&
    typeof candidate?.arraySync === "function" && typeof candidate?.isDisposed === "boolean"
  );
}

/** Binary data becomes base64, as Jupyter expects it in a bundle. */
export function normalizeBundle(bundle: MimeBundle): MimeBundle {
  const normalized: MimeBundle = {};
  for (const [mime, data] of Object.entries(bundle)) normalized[mime] = data instanceof Uint8Array ? Buffer.from(data).toString("base64") : data;
  return normalized;
}

export function resultBundle(value: unknown): MimeBundle {
  const display = (value as Record<symbol, unknown> | null | undefined)?.[DISPLAY];
  if ((typeof value === "object" || typeof value === "function") && value !== null && typeof display === "function") {
    const bundle = (display as () => MimeBundle).call(value);
    return normalizeBundle({ "text/plain": `[${(value as object).constructor?.name ?? "object"}]`, ...bundle });
  }
  if (isTensor(value)) return tensorBundle(value);
  return { "text/plain": inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 }) };
}

function tensorBundle(tensor: TensorLike): MimeBundle {
  const heading = `Tensor ${tensor.dtype} [${tensor.shape.join(", ")}]`;
  if (tensor.isDisposed) return { "text/plain": `${heading} (disposed)` };
  // tf's toString() starts with "Tensor\n" and indents the values by four spaces.
  const values = tensor.toString().replace(/^Tensor\n/, "").replace(/^ {4}/gm, "");
  const bundle: MimeBundle = { "text/plain": `${heading}\n${values}` };
  const [rows, columns] = tensor.shape;
  if (tensor.shape.length === 2 && rows <= TABLE_LIMIT && columns <= TABLE_LIMIT) {
    const matrix = tensor.arraySync() as unknown[][];
    const body = matrix.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(formatNumber(cell))}</td>`).join("")}</tr>`).join("");
    bundle["text/html"] = `<div><code>${escapeHtml(heading)}</code><table>${body}</table></div>`;
  }
  return bundle;
}

function formatNumber(value: unknown): string {
  return typeof value === "number" && !Number.isInteger(value) ? value.toPrecision(6).replace(/\.?0+$/, "") : String(value);
}
