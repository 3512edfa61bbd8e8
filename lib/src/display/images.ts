import { writeFile } from "node:fs/promises";
import * as tf from "@tensorflow/tfjs";
import { PNG } from "pngjs";
import { DISPLAY, Displayable, MimeBundle } from "./bundle";
import { escapeHtml } from "./escape";

/** N greyscale images: a tensor [N, h*w], [N, h, w] or [N, h, w, 1], a flat array, or one row per image. */
export type ImageInput = tf.Tensor | Float32Array | number[][];

/**
 * How values become colours:
 * - clip: [0, 1] to grey (0 black, 1 white), values outside clipped;
 * - minmax: per image, min black and max white (a constant image is mid-grey);
 * - symmetric: per image, signed values (e.g. eigenvectors) on a diverging map, 0 white,
 *   positive red, negative blue, scaled by the largest |value|.
 * NaN and ±Infinity show magenta under all three.
 */
export type PixelScaling = "clip" | "minmax" | "symmetric";

export interface ImageGridOptions {
  rows?: number;
  cols?: number;
  /** Of one image, in values (default 28). */
  height?: number;
  width?: number;
  /** Screen pixels per value, nearest neighbour (default 2). */
  scale?: number;
  /** Screen pixels between and around images (default 1). */
  padding?: number;
  /** Default "clip". */
  scaling?: PixelScaling;
  labels?: string[];
  title?: string;
}

type Rgb = readonly [number, number, number];

const PADDING_RGB: Rgb = [70, 80, 100];
/** NaN / Infinity stand out instead of silently looking black. */
const NON_FINITE_RGB: Rgb = [255, 0, 255];
/** Ends of the ColorBrewer RdBu map: readable, and unmistakably red / blue. */
const POSITIVE_RGB: Rgb = [178, 24, 43];
const NEGATIVE_RGB: Rgb = [33, 102, 172];

interface ImageStack {
  count: number;
  height: number;
  width: number;
  values: Float32Array;
}

interface GridLayout {
  rows: number;
  cols: number;
  height: number;
  width: number;
  scale: number;
  padding: number;
}

export interface RenderedGrid {
  png: Buffer;
  width: number;
  height: number;
}

/** A grid of images rendered to PNG. */
export class ImageGrid implements Displayable {
  constructor(
    readonly png: Buffer,
    /** In pixels. */
    readonly width: number,
    readonly height: number,
    readonly layout: { rows: number; cols: number; imageHeight: number; imageWidth: number; count: number },
    readonly labels?: readonly string[],
    readonly title?: string,
  ) {}

  get description(): string {
    const { rows, cols, imageHeight, imageWidth } = this.layout;
    const title = this.title === undefined ? "" : ` "${this.title}"`;
    const labels = this.labels?.length ? `; labels: ${this.labels.join(", ")}` : "";
    return `ImageGrid${title}: ${rows}×${cols} images of ${imageHeight}×${imageWidth}${labels}`;
  }

  [DISPLAY](): MimeBundle {
    return { "image/png": this.png.toString("base64"), "text/plain": this.description };
  }

  async save(path: string): Promise<void> {
    await writeFile(path, this.png);
  }
}

export function imageGrid(images: ImageInput, options: ImageGridOptions = {}): ImageGrid {
  const stack = readImages(images, options);
  const layout = gridLayout(stack, options);
  const cells = colourImages(stack, options.scaling ?? "clip");
  const grid = renderGrid(cells, layout);
  const summary = {
    rows: layout.rows,
    cols: layout.cols,
    imageHeight: stack.height,
    imageWidth: stack.width,
    count: Math.min(stack.count, layout.rows * layout.cols),
  };
  return new ImageGrid(grid.png, grid.width, grid.height, summary, options.labels, options.title);
}

export interface ImageGridRow {
  label: string;
  images: ImageInput;
}

/** Labelled rows of images (e.g. originals / reconstructions): an HTML table plus one stacked PNG. */
export class ImageGridRows implements Displayable {
  constructor(
    readonly labels: readonly string[],
    /** One single-row grid per label. */
    readonly rowGrids: readonly RenderedGrid[],
    /** All rows stacked, for saving and for outputs that cannot show HTML. */
    readonly stacked: RenderedGrid,
    readonly imageSize: { height: number; width: number },
    readonly title?: string,
  ) {}

  get png(): Buffer {
    return this.stacked.png;
  }

  get width(): number {
    return this.stacked.width;
  }

  get height(): number {
    return this.stacked.height;
  }

  get description(): string {
    const title = this.title === undefined ? "" : ` "${this.title}"`;
    const { height, width } = this.imageSize;
    return `ImageGridRows${title}: ${this.labels.length} rows (${this.labels.join(", ")}) of ${height}×${width} images`;
  }

  [DISPLAY](): MimeBundle {
    return {
      "text/html": this.html(),
      "image/png": this.png.toString("base64"),
      "text/plain": this.description,
    };
  }

  html(): string {
    const caption = this.title === undefined ? "" : `<caption>${escapeHtml(this.title)}</caption>`;
    const rows = this.labels.map((label, index) => {
      const grid = this.rowGrids[index];
      const image =
        `<img src="data:image/png;base64,${grid.png.toString("base64")}" width="${grid.width}" ` +
        `height="${grid.height}" alt="${escapeHtml(label)}">`;
      return `<tr><th style="text-align:right;padding-right:8px">${escapeHtml(label)}</th><td>${image}</td></tr>`;
    });
    return `<table>${caption}${rows.join("")}</table>`;
  }

  async save(path: string): Promise<void> {
    await writeFile(path, this.png);
  }
}

export function imageGridRows(rows: ImageGridRow[], options: Omit<ImageGridOptions, "rows" | "labels"> = {}): ImageGridRows {
  if (rows.length === 0) throw new Error("imageGridRows: no rows");
  const stacks = rows.map((row) => readImages(row.images, options));
  const { height, width } = stacks[0];
  if (stacks.some((stack) => stack.height !== height || stack.width !== width)) {
    throw new Error("imageGridRows: all rows must hold images of the same size");
  }
  const cols = options.cols ?? Math.max(...stacks.map((stack) => stack.count));
  const scaling = options.scaling ?? "clip";
  const rowCells = stacks.map((stack) => padCells(colourImages(stack, scaling), cols));
  const rowLayout: GridLayout = { ...layoutSizes(stacks[0], options), rows: 1, cols };
  const rowGrids = rowCells.map((cells) => renderGrid(cells, rowLayout));
  const stacked = renderGrid(rowCells.flat(), { ...rowLayout, rows: rows.length });
  return new ImageGridRows(rows.map((row) => row.label), rowGrids, stacked, { height, width }, options.title);
}

// ---------------------------------------------------------------------------------------------
// Reading the caller's images (never disposing or modifying them).

function readImages(images: ImageInput, options: ImageGridOptions): ImageStack {
  if (isTensor(images)) return readTensor(images, options);
  const { height, width } = imageSizeOption(options);
  const values = images instanceof Float32Array ? images : Float32Array.from(images.flat());
  return stackOf(values, height, width);
}

function isTensor(images: ImageInput): images is tf.Tensor {
  // Duck-typed: tensors may come from another copy of tfjs-core (tfjs-node, the kernel).
  return !(images instanceof Float32Array) && !Array.isArray(images) && typeof images.dataSync === "function";
}

function readTensor(tensor: tf.Tensor, options: ImageGridOptions): ImageStack {
  const shape: number[] = tensor.shape;
  if (shape.length === 4 && shape[3] !== 1) {
    throw new Error(`imageGrid: expected one channel, got shape [${shape.join(", ")}]`);
  }
  // [N, h, w] and [N, h, w, 1] carry their image size; [N, h*w] and flat tensors take it from options.
  const sized = shape.length >= 3 ? { height: shape[1], width: shape[2] } : imageSizeOption(options);
  if (shape.length === 2 && shape[1] !== sized.height * sized.width) {
    throw new Error(`imageGrid: rows of ${shape[1]} values are not ${sized.height}×${sized.width} images`);
  }
  const data = tensor.dataSync();
  const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return stackOf(values, sized.height, sized.width);
}

function imageSizeOption(options: ImageGridOptions): { height: number; width: number } {
  return { height: options.height ?? 28, width: options.width ?? 28 };
}

function stackOf(values: Float32Array, height: number, width: number): ImageStack {
  const pixels = height * width;
  if (values.length === 0 || values.length % pixels !== 0) {
    throw new Error(`imageGrid: ${values.length} values are not a whole number of ${height}×${width} images`);
  }
  return { count: values.length / pixels, height, width, values };
}

// ---------------------------------------------------------------------------------------------
// Layout and colours.

function gridLayout(stack: ImageStack, options: ImageGridOptions): GridLayout {
  const { rows, cols } = rowsAndCols(stack.count, options.rows, options.cols);
  return { ...layoutSizes(stack, options), rows, cols };
}

function layoutSizes(stack: ImageStack, options: ImageGridOptions): Omit<GridLayout, "rows" | "cols"> {
  return {
    height: stack.height,
    width: stack.width,
    scale: Math.max(1, Math.round(options.scale ?? 2)),
    padding: Math.max(0, Math.round(options.padding ?? 1)),
  };
}

/** Fills the given dimension(s); otherwise a near-square grid. */
function rowsAndCols(count: number, rows?: number, cols?: number): { rows: number; cols: number } {
  if (rows !== undefined && cols !== undefined) return { rows, cols };
  if (cols !== undefined) return { rows: Math.ceil(count / cols), cols };
  if (rows !== undefined) return { rows, cols: Math.ceil(count / rows) };
  const squareCols = Math.ceil(Math.sqrt(count));
  return { rows: Math.ceil(count / squareCols), cols: squareCols };
}

/** RGB bytes per image. */
function colourImages(stack: ImageStack, scaling: PixelScaling): Uint8Array[] {
  const pixels = stack.height * stack.width;
  return Array.from({ length: stack.count }, (_, index) =>
    colourImage(stack.values.subarray(index * pixels, (index + 1) * pixels), scaling),
  );
}

function colourImage(values: Float32Array, scaling: PixelScaling): Uint8Array {
  const toRgb = colourMap(values, scaling);
  const rgb = new Uint8Array(values.length * 3);
  values.forEach((value, index) => rgb.set(Number.isFinite(value) ? toRgb(value) : NON_FINITE_RGB, index * 3));
  return rgb;
}

function colourMap(values: Float32Array, scaling: PixelScaling): (value: number) => Rgb {
  switch (scaling) {
    case "clip":
      return (value) => grey(value);
    case "minmax": {
      const { min, max } = finiteRange(values);
      // A constant image has no contrast to stretch: show it mid-grey.
      return max > min ? (value) => grey((value - min) / (max - min)) : () => grey(0.5);
    }
    case "symmetric": {
      const { min, max } = finiteRange(values);
      const largest = Math.max(Math.abs(min), Math.abs(max));
      return largest > 0 ? (value) => diverging(value / largest) : () => [255, 255, 255];
    }
  }
}

function finiteRange(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return { min, max };
}

function grey(fraction: number): Rgb {
  const level = Math.round(255 * Math.min(1, Math.max(0, fraction)));
  return [level, level, level];
}

/** -1 → blue, 0 → white, 1 → red. */
function diverging(signed: number): Rgb {
  const end = signed >= 0 ? POSITIVE_RGB : NEGATIVE_RGB;
  const t = Math.min(1, Math.abs(signed));
  const towards = (channel: number) => Math.round(255 + (channel - 255) * t);
  return [towards(end[0]), towards(end[1]), towards(end[2])];
}

function padCells(cells: Uint8Array[], cols: number): (Uint8Array | null)[] {
  return Array.from({ length: cols }, (_, index) => cells[index] ?? null);
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/** Cells row-major; null (or missing) cells show the padding colour. */
function renderGrid(cells: (Uint8Array | null)[], layout: GridLayout): RenderedGrid {
  const { rows, cols, height, width, scale, padding } = layout;
  const cellWidth = width * scale;
  const cellHeight = height * scale;
  const png = new PNG({
    width: cols * cellWidth + (cols + 1) * padding,
    height: rows * cellHeight + (rows + 1) * padding,
  });
  fillRgb(png, PADDING_RGB);
  for (let index = 0; index < Math.min(cells.length, rows * cols); index++) {
    const cell = cells[index];
    if (!cell) continue;
    const left = padding + (index % cols) * (cellWidth + padding);
    const top = padding + Math.floor(index / cols) * (cellHeight + padding);
    drawScaled(png, cell, { left, top, height, width, scale });
  }
  return { png: PNG.sync.write(png), width: png.width, height: png.height };
}

function fillRgb(png: PNG, [r, g, b]: Rgb): void {
  for (let offset = 0; offset < png.data.length; offset += 4) {
    png.data[offset] = r;
    png.data[offset + 1] = g;
    png.data[offset + 2] = b;
    png.data[offset + 3] = 255;
  }
}

/** Nearest neighbour: each value becomes a scale×scale block. */
function drawScaled(
  png: PNG,
  rgb: Uint8Array,
  at: { left: number; top: number; height: number; width: number; scale: number },
): void {
  for (let y = 0; y < at.height * at.scale; y++) {
    const sourceRow = Math.floor(y / at.scale) * at.width;
    for (let x = 0; x < at.width * at.scale; x++) {
      const source = (sourceRow + Math.floor(x / at.scale)) * 3;
      const target = ((at.top + y) * png.width + at.left + x) * 4;
      png.data[target] = rgb[source];
      png.data[target + 1] = rgb[source + 1];
      png.data[target + 2] = rgb[source + 2];
    }
  }
}

