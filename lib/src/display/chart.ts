import { writeFile } from "node:fs/promises";
import * as vega from "vega";
import * as vl from "vega-lite";
import { DISPLAY, Displayable, MimeBundle } from "./bundle";
import { escapeHtml } from "./escape";

/**
 * A vega-lite v5 JSON spec. Typed loosely on purpose: vega-lite's own types are huge and would
 * slow down (and depend on the compiler version of) every notebook that imports this library.
 */
export type VegaLiteSpec = Record<string, unknown>;

const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** A vega-lite chart with its SVG rendered in Node (nbconvert handouts cannot run vega). */
export class Chart implements Displayable {
  constructor(
    readonly spec: VegaLiteSpec,
    readonly svg: string,
    /** vega / vega-lite warnings, collected instead of printed. */
    readonly warnings: readonly string[] = [],
  ) {}

  get title(): string {
    return titleText(this.spec.title) ?? "untitled";
  }

  /** Data rows inlined in the spec (all layers and panels). */
  get pointCount(): number {
    return countDataRows(this.spec);
  }

  get width(): number {
    return svgSize(this.svg).width;
  }

  get height(): number {
    return svgSize(this.svg).height;
  }

  [DISPLAY](): MimeBundle {
    return {
      [VEGA_LITE_MIME]: this.spec,
      "image/svg+xml": this.svg,
      "text/plain": `Chart: ${this.title} (${this.pointCount} points)`,
    };
  }

  async save(path: string): Promise<void> {
    await writeFile(path, this.svg, "utf8");
  }
}

/** Compiles a vega-lite spec and renders it to SVG, without printing anything. */
export async function chart(spec: VegaLiteSpec): Promise<Chart> {
  const fullSpec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, ...spec };
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = vl.compile(fullSpec as unknown as vl.TopLevelSpec, { logger });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none", logger, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return new Chart(fullSpec, withoutUnusedNamespaces(svg), warnings);
  } finally {
    view.finalize();
  }
}

/** vega and vega-lite log to the console by default; the course wants clean cell outputs. */
function collectingLogger(warnings: string[]) {
  return vega.logger(vega.Warn, undefined, (_method, level, input) => {
    warnings.push(`${level}: ${Array.from(input).map(String).join(" ")}`);
  });
}

/** vega declares xlink even when nothing links; dropping it leaves only the SVG namespace. */
function withoutUnusedNamespaces(svg: string): string {
  const withoutXlink = svg.replace(/ xmlns:xlink="[^"]*"/, "");
  return withoutXlink.includes("xlink:") ? svg : withoutXlink;
}

function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const attribute = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(root)?.[1] ?? 0);
  return { width: attribute("width"), height: attribute("height") };
}

function titleText(title: unknown): string | undefined {
  if (typeof title === "string") return title;
  if (Array.isArray(title)) return title.join(" ");
  if (title && typeof title === "object" && "text" in title) return titleText((title as { text: unknown }).text);
  return undefined;
}

const NESTED_SPEC_KEYS = ["layer", "concat", "hconcat", "vconcat"] as const;

function countDataRows(spec: unknown): number {
  if (!spec || typeof spec !== "object") return 0;
  const node = spec as Record<string, unknown>;
  const data = node.data as { values?: unknown } | undefined;
  let rows = Array.isArray(data?.values) ? data.values.length : 0;
  for (const key of NESTED_SPEC_KEYS) {
    const children = node[key];
    if (Array.isArray(children)) rows += children.reduce((sum: number, child) => sum + countDataRows(child), 0);
  }
  return rows + countDataRows(node.spec);
}

// ---------------------------------------------------------------------------------------------
// Builders used by the notebooks.

export interface OverlayLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label?: string;
}

export interface ScatterChartOptions {
  /** One [x, y] per point. */
  points: number[][];
  /** One class or value per point. */
  color?: (string | number)[];
  colorTitle?: string;
  /** Default: strings and small sets of integers (digit labels) are classes; other numbers a gradient. */
  colorType?: "nominal" | "quantitative";
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
  pointSize?: number;
  opacity?: number;
  /** Drawn over the points, e.g. principal axes as arrows from (x1, y1) to (x2, y2). */
  overlays?: { lines?: OverlayLine[] };
  /** Axis ranges; points outside are clipped (e.g. to keep a few outliers from squeezing the rest). */
  xDomain?: [number, number];
  yDomain?: [number, number];
}

export async function scatterChart(options: ScatterChartOptions): Promise<Chart> {
  const pointLayer = scatterLayer(options);
  const lines = options.overlays?.lines ?? [];
  const spec: VegaLiteSpec = {
    ...(options.title !== undefined && { title: options.title }),
    width: options.width ?? 400,
    height: options.height ?? 300,
  };
  if (lines.length === 0) return chart({ ...spec, ...pointLayer });
  return chart({ ...spec, layer: [pointLayer, ...arrowLayers(lines, options)] });
}

function scatterLayer(options: ScatterChartOptions): VegaLiteSpec {
  const { points, color } = options;
  if (color && color.length !== points.length) {
    throw new Error(`scatterChart: ${color.length} colors for ${points.length} points`);
  }
  const values = points.map((point, index) => {
    if (point.length < 2) throw new Error(`scatterChart: point ${index} has ${point.length} coordinates, expected [x, y]`);
    return color ? { x: point[0], y: point[1], color: color[index] } : { x: point[0], y: point[1] };
  });
  return {
    data: { values },
    // No per-point aria labels: with thousands of points they would double the SVG.
    mark: { type: "point", filled: true, size: options.pointSize ?? 20, opacity: options.opacity ?? 0.7, aria: false, clip: Boolean(options.xDomain || options.yDomain) },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: { zero: false, ...(options.xDomain && { domain: options.xDomain, nice: false }) } },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: { zero: false, ...(options.yDomain && { domain: options.yDomain, nice: false }) } },
      ...(color && { color: colorEncoding(color, options) }),
    },
  };
}

const MAX_INTEGER_CLASSES = 20;

function colorEncoding(color: (string | number)[], options: ScatterChartOptions): VegaLiteSpec {
  const type = options.colorType ?? inferColorType(color);
  return {
    field: "color",
    type,
    title: options.colorTitle ?? "class",
    scale: { scheme: type === "nominal" ? "tableau10" : "viridis" },
  };
}

function inferColorType(color: (string | number)[]): "nominal" | "quantitative" {
  if (color.some((value) => typeof value === "string")) return "nominal";
  const integers = color.every((value) => Number.isInteger(value));
  return integers && new Set(color).size <= MAX_INTEGER_CLASSES ? "nominal" : "quantitative";
}

/** A rule per line, a triangle at its end turned along it, and its label. */
function arrowLayers(lines: OverlayLine[], options: ScatterChartOptions): VegaLiteSpec[] {
  const data = { values: lines.map((line) => ({ ...line, label: line.label ?? "" })) };
  const head = { x: { field: "x2", type: "quantitative" }, y: { field: "y2", type: "quantitative" } };
  // The screen angle depends on both scales, so it is computed by vega at render time.
  const screenAngle =
    "atan2(scale('x', datum.x2) - scale('x', datum.x1), scale('y', datum.y1) - scale('y', datum.y2)) * 180 / PI";
  return [
    {
      data,
      mark: { type: "rule", color: "black", strokeWidth: 2 },
      encoding: {
        x: { field: "x1", type: "quantitative", title: options.xTitle ?? "x" },
        y: { field: "y1", type: "quantitative", title: options.yTitle ?? "y" },
        x2: { field: "x2" },
        y2: { field: "y2" },
      },
    },
    {
      data,
      mark: { type: "point", shape: "triangle-up", filled: true, color: "black", opacity: 1, size: 90 },
      encoding: { ...head, angle: { value: { expr: screenAngle } } },
    },
    {
      data,
      mark: { type: "text", align: "left", dx: 7, dy: -7, fontWeight: "bold" },
      encoding: { ...head, text: { field: "label" } },
    },
  ];
}

export interface LineSeries {
  name: string;
  x: number[];
  y: number[];
}

export interface LineChartOptions {
  series: LineSeries[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  /** Also mark each data point. */
  points?: boolean;
  width?: number;
  height?: number;
}

export async function lineChart(options: LineChartOptions): Promise<Chart> {
  const logY = options.logY ?? false;
  const values = options.series.flatMap((series) => seriesRows(series, logY));
  return chart({
    ...(options.title !== undefined && { title: options.title }),
    width: options.width ?? 400,
    height: options.height ?? 250,
    data: { values },
    mark: { type: "line", point: options.points ?? false },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x" },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle ?? "y",
        scale: logY ? { type: "log" } : { zero: false },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        // A legend for a single line is noise.
        ...(options.series.length <= 1 && { legend: null }),
      },
    },
  });
}

/** Drops points a line cannot show: NaN losses, and non-positive values on a log axis. */
function seriesRows(series: LineSeries, logY: boolean): { series: string; x: number; y: number }[] {
  if (series.x.length !== series.y.length) {
    throw new Error(`lineChart: series "${series.name}" has ${series.x.length} x and ${series.y.length} y values`);
  }
  return series.x
    .map((x, index) => ({ series: series.name, x, y: series.y[index] }))
    .filter(({ x, y }) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0));
}

export interface ConcatOptions {
  /** Panels per row; default: all in one row. */
  columns?: number;
  title?: string;
}

const PANEL_SPACING = 20;
const CONCAT_TITLE_HEIGHT = 26;

/**
 * Side-by-side panels. The spec is a vega-lite concat; the SVG places the already rendered
 * panels next to each other, so no second render is needed.
 */
export function concatCharts(charts: Chart[], options: ConcatOptions = {}): Chart {
  if (charts.length === 0) throw new Error("concatCharts: no charts");
  const panels = charts.map((c) => withoutSchema(c.spec));
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined && { title: options.title }),
    ...(options.columns !== undefined ? { concat: panels, columns: options.columns } : { hconcat: panels }),
  };
  const warnings = charts.flatMap((c) => c.warnings);
  return new Chart(spec, composeSvgGrid(charts, options.columns ?? charts.length, options.title), warnings);
}

function withoutSchema(spec: VegaLiteSpec): VegaLiteSpec {
  const { $schema: _schema, ...rest } = spec;
  return rest;
}

function composeSvgGrid(charts: Chart[], columns: number, title: string | undefined): string {
  const rows = Math.ceil(charts.length / columns);
  const columnWidths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...charts.filter((_, index) => index % columns === column).map((c) => c.width)),
  );
  const rowHeights = Array.from({ length: rows }, (_, row) =>
    Math.max(0, ...charts.slice(row * columns, (row + 1) * columns).map((c) => c.height)),
  );
  const top = title === undefined ? 0 : CONCAT_TITLE_HEIGHT;
  const offset = (sizes: number[], index: number) =>
    sizes.slice(0, index).reduce((sum, size) => sum + size + PANEL_SPACING, 0);
  const width = offset(columnWidths, columns) - PANEL_SPACING;
  const height = top + offset(rowHeights, rows) - PANEL_SPACING;
  const panels = charts.map((c, index) => {
    const x = offset(columnWidths, index % columns);
    const y = top + offset(rowHeights, Math.floor(index / columns));
    return c.svg.replace(/<svg\b/, `<svg x="${x}" y="${y}"`);
  });
  const heading =
    title === undefined
      ? ""
      : `<text x="${width / 2}" y="18" text-anchor="middle" font-family="sans-serif" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="white"/>${heading}${panels.join("")}</svg>`
  );
}

