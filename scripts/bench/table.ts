// The table `npm run bench` prints: one row per measurement, one column per backend, then PyTorch and the speed
// ratio ours ÷ PyTorch. Markdown, so that it reads in a terminal and pastes into the README as it is.
import type { Measurement } from "./measure";
import { describeMeasurement, type MeasurementId, type Plan } from "./plan";

export interface TableColumn {
  title: string;
  /** A backend of ours, or the reference (PyTorch). */
  kind: "backend" | "reference";
  /** The measurements of this column, by id; absent ids show as "–". */
  measurements: Partial<Record<MeasurementId, Measurement>>;
  /** A column that is not measured at all, with why (e.g. PyTorch not asked for). */
  unavailable?: string;
}

export interface TableInput {
  plan: Plan;
  rows: readonly MeasurementId[];
  columns: TableColumn[];
  /** The ratio column: speed of `ratioOf` ÷ speed of `ratioTo` (both column titles), when both are there. */
  ratio?: { of: string; to: string; values: Partial<Record<MeasurementId, number>> };
  /** Measurements taken once for all backends (the kernel): shown in the first backend column, "same" in the others. */
  shared?: Partial<Record<MeasurementId, Measurement>>;
}

/** 137, 3,525, 14.7, 0.482, 0.00612: about three significant digits, thousands separated. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString("en");
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}×` : "–";
}

/**
 * Speed ratio of two figures of a measurement, so that 1.0 is parity and less is slower whatever the unit:
 * a ÷ b for throughputs, b ÷ a for times. Undefined for the peak memory and when either figure is missing.
 */
export function speedRatio(id: MeasurementId, ours: Measurement | undefined, reference: Measurement | undefined, plan: Plan): number | undefined {
  if (id === "peakMemory" || ours?.value === undefined || reference?.value === undefined || ours.value <= 0 || reference.value <= 0) return undefined;
  return describeMeasurement(id, plan).higherIsBetter ? ours.value / reference.value : reference.value / ours.value;
}

export function renderTable(input: TableInput): { text: string; notes: string[] } {
  const notes: string[] = [];
  const note = (text: string) => {
    let index = notes.indexOf(text);
    if (index < 0) index = notes.push(text) - 1;
    return `[${index + 1}]`;
  };
  const header = ["measurement", "unit", ...input.columns.map((c) => c.title), ...(input.ratio ? [`${input.ratio.of} ÷ ${input.ratio.to}`] : [])];
  const body: string[][] = [];
  const firstBackend = input.columns.findIndex((c) => c.kind === "backend" && !c.unavailable);
  for (const id of input.rows) {
    const { label, unit } = describeMeasurement(id, input.plan);
    const cells = input.columns.map((column, index) => {
      const shared = input.shared?.[id];
      if (shared) {
        if (column.kind !== "backend" || column.unavailable) return "–";
        if (index !== firstBackend) return "same";
        return shared.value !== undefined ? formatNumber(shared.value) : `– ${note(`${label}: ${shared.skipped ?? "not measured"}`)}`;
      }
      if (column.unavailable) return "–";
      const m = column.measurements[id];
      if (!m) return "–";
      if (m.value === undefined) return `– ${note(`${column.title}, ${label}: ${m.skipped ?? "not measured"}`)}`;
      return m.timing?.note ? `${formatNumber(m.value)} ${note(`${column.title}, ${label}: ${m.timing.note}`)}` : formatNumber(m.value);
    });
    const ratio = input.ratio ? [input.ratio.values[id] !== undefined ? formatRatio(input.ratio.values[id]!) : ""] : [];
    body.push([label, unit, ...cells, ...ratio]);
  }
  for (const column of input.columns) if (column.unavailable) note(`${column.title}: ${column.unavailable}`);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  const text = [line(header), rule, ...body.map(line)].join("\n");
  return { text, notes };
}
