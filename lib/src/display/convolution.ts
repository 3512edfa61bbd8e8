// Figures of notebook 03: the convolution matrix W and Wᵀ with the weight names in their cells,
// grids of numbers, and the frames of the padded direct convolution that mimics a transposed one.
import { convolutionTaps, ConvOptions, directPadding } from "../math/convolution";
import { Chart, chart, concatCharts, VegaLiteSpec } from "./chart";

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** 12 → "₁₂": indices written as on the slides. */
export function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}

/** One cell of a labelled grid: `group` picks its colour (cells without one are white). */
export interface GridCell {
  row: number;
  column: number;
  label: string;
  group?: string;
}

export interface LabelledGridOptions {
  cells: GridCell[];
  rows: number;
  columns: number;
  title?: string;
  /** Axis labels; default none. */
  rowNames?: string[];
  columnNames?: string[];
  /** Screen pixels per cell (default 26). */
  cellSize?: number;
  fontSize?: number;
  /** The colour of each group, e.g. {"w₀": "#fdd"}; other groups take tableau10 colours. */
  groupColors?: Record<string, string>;
}

function axisFor(names: string[] | undefined, title: string): VegaLiteSpec {
  if (!names) return { axis: null };
  // The position is an index; the axis shows its name.
  const lookup = JSON.stringify(names);
  return { title, axis: { labelExpr: `${lookup}[datum.value]`, labelAngle: 0, ticks: false, domain: false, labelFontSize: 10 } };
}

/** Vega-lite layers of a grid of rect marks with a text in each cell. */
function gridLayers(options: LabelledGridOptions, highlight?: { rows: [number, number]; columns: [number, number] }): VegaLiteSpec[] {
  const values = options.cells.map((c) => ({ ...c, group: c.group ?? "" }));
  const groups = [...new Set(values.map((v) => v.group).filter((g) => g !== ""))];
  const x = { field: "column", type: "ordinal", scale: { domain: range(options.columns) }, ...axisFor(options.columnNames, "") };
  const y = { field: "row", type: "ordinal", scale: { domain: range(options.rows) }, ...axisFor(options.rowNames, "") };
  const layers: VegaLiteSpec[] = [
    {
      data: { values },
      mark: { type: "rect", stroke: "#bbb", strokeWidth: 0.5 },
      encoding: {
        x,
        y,
        color: {
          field: "group",
          type: "nominal",
          legend: null,
          scale: { domain: ["", ...groups], range: ["#ffffff", ...groups.map((g, i) => options.groupColors?.[g] ?? PALETTE[i % PALETTE.length])] },
        },
      },
    },
    {
      data: { values },
      mark: { type: "text", fontSize: options.fontSize ?? 11 },
      encoding: { x, y, text: { field: "label" } },
    },
  ];
  if (highlight) {
    layers.push({
      data: { values: [{ r1: highlight.rows[0], r2: highlight.rows[1], c1: highlight.columns[0], c2: highlight.columns[1] }] },
      mark: { type: "rect", fill: null, stroke: "#d62728", strokeWidth: 2.5 },
      encoding: {
        x: { field: "c1", type: "ordinal", scale: { domain: range(options.columns) }, bandPosition: 0 },
        x2: { field: "c2", bandPosition: 1 },
        y: { field: "r1", type: "ordinal", scale: { domain: range(options.rows) }, bandPosition: 0 },
        y2: { field: "r2", bandPosition: 1 },
      },
    });
  }
  return layers;
}

/** Light colours so that black text stays readable. */
const PALETTE = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#c7c7c7"];

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A grid of rect marks with a text in each cell (weight names, numbers). */
export async function labelledGridChart(options: LabelledGridOptions): Promise<Chart> {
  const size = options.cellSize ?? 26;
  return chart({
    ...(options.title !== undefined && { title: options.title }),
    width: options.columns * size,
    height: options.rows * size,
    layer: gridLayers(options),
  });
}

/** A matrix of numbers as a grid, e.g. an image x or a feature map y. */
export async function numberGridChart(values: number[][], options: { title?: string; decimals?: number; cellSize?: number; names?: (row: number, column: number) => string } = {}): Promise<Chart> {
  const rows = values.length;
  const columns = values[0]?.length ?? 0;
  const decimals = options.decimals ?? 1;
  const largest = Math.max(1e-12, ...values.flat().map(Math.abs));
  const cells: GridCell[] = values.flatMap((row, r) =>
    row.map((v, c) => ({
      row: r,
      column: c,
      label: (options.names ? `${options.names(r, c)}=` : "") + v.toFixed(decimals),
      // Five shades by magnitude and sign keep the numbers readable.
      group: v === 0 ? undefined : `${v > 0 ? "+" : "−"}${Math.min(4, Math.floor((5 * Math.abs(v)) / largest))}`,
    })),
  );
  const shades: Record<string, string> = {};
  const reds = ["#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a"];
  const blues = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6"];
  reds.forEach((colour, i) => (shades[`+${i}`] = colour));
  blues.forEach((colour, i) => (shades[`−${i}`] = colour));
  return labelledGridChart({ cells, rows, columns, title: options.title, cellSize: options.cellSize ?? 40, groupColors: shades, fontSize: 10 });
}

/**
 * The single-channel convolution matrix W (or Wᵀ) of a kernel named w₀…w_{k²−1} row by row,
 * with the weight names in the cells and 0 elsewhere. Rows y₀…, columns x₀… (swapped for Wᵀ).
 */
export async function convolutionMatrixChart(
  inputSize: [number, number],
  kernelSize: [number, number],
  options: ConvOptions & { transposed?: boolean; title?: string; cellSize?: number },
): Promise<Chart> {
  const { taps, outputHeight, outputWidth } = convolutionTaps(inputSize, kernelSize, options);
  const outputs = outputHeight * outputWidth;
  const inputs = inputSize[0] * inputSize[1];
  const names = new Map(taps.map((t) => [`${t.row},${t.column}`, `w${subscript(t.kernelRow * kernelSize[1] + t.kernelColumn)}`]));
  const cells: GridCell[] = [];
  for (let r = 0; r < outputs; r++) {
    for (let c = 0; c < inputs; c++) {
      const name = names.get(`${r},${c}`);
      const [row, column] = options.transposed ? [c, r] : [r, c];
      cells.push({ row, column, label: name ?? "0", group: name });
    }
  }
  const yNames = range(outputs).map((i) => `y${subscript(i)}`);
  const xNames = range(inputs).map((i) => `x${subscript(i)}`);
  return labelledGridChart({
    cells,
    rows: options.transposed ? inputs : outputs,
    columns: options.transposed ? outputs : inputs,
    rowNames: options.transposed ? xNames.map((n) => n.replace("x", "x'")) : yNames,
    columnNames: options.transposed ? yNames.map((n) => n.replace("y", "y'")) : xNames,
    title: options.title ?? (options.transposed ? "Wᵀ" : "W"),
    cellSize: options.cellSize,
  });
}

/**
 * The direct convolution that mimics a transposed one, one frame per output pixel: the input y'
 * with s − 1 zeros inserted and padded, the k×k window (red) and the rotated kernel's weight names
 * under the values it multiplies. The frame's title is the sum it computes, x'ⱼ = Σ wᵢ y'ₘ.
 */
export async function transposedConvolutionFrames(
  inputSize: number,
  kernelSize: number,
  outputSize: number,
  options: ConvOptions & { columns?: number; cellSize?: number; frames?: number[]; title?: string },
): Promise<Chart> {
  const { before, after } = directPadding(inputSize, kernelSize, outputSize, options);
  const side = before + (inputSize - 1) * options.stride + 1 + after;
  const inputAt = (p: number): number | undefined => {
    const offset = p - before;
    return offset >= 0 && offset % options.stride === 0 && offset / options.stride < inputSize ? offset / options.stride : undefined;
  };
  const frames = options.frames ?? range(outputSize * outputSize);
  const charts = await Promise.all(
    frames.map((index) => {
      const [oy, ox] = [Math.floor(index / outputSize), index % outputSize];
      const cells: GridCell[] = [];
      const terms: string[] = [];
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
          const [iy, ix] = [inputAt(r), inputAt(c)];
          const isInput = iy !== undefined && ix !== undefined;
          const inWindow = r >= oy && r < oy + kernelSize && c >= ox && c < ox + kernelSize;
          // The rotated kernel: window cell (dy, dx) multiplies weight (k−1−dy, k−1−dx).
          const weight = inWindow ? (kernelSize - 1 - (r - oy)) * kernelSize + (kernelSize - 1 - (c - ox)) : -1;
          const value = isInput ? `y'${subscript(iy * inputSize + ix)}` : "0";
          if (inWindow && isInput) terms.push(`w${subscript(weight)}y'${subscript(iy * inputSize + ix)}`);
          cells.push({ row: r, column: c, label: inWindow ? `${value}·w${subscript(weight)}` : value, group: isInput ? "input" : inWindow ? "window" : undefined });
        }
      }
      const layers = gridLayers({ cells, rows: side, columns: side, fontSize: 8, groupColors: { input: "#9ecae1", window: "#fde0dd" } }, { rows: [oy, oy + kernelSize - 1], columns: [ox, ox + kernelSize - 1] });
      const size = options.cellSize ?? 34;
      return chart({
        title: { text: `x'${subscript(index)} = ${terms.length ? terms.join(" + ") : "0"}`, fontSize: 10 },
        width: side * size,
        height: side * size,
        layer: layers,
      });
    }),
  );
  return concatCharts(charts, { columns: options.columns ?? outputSize, title: options.title });
}
