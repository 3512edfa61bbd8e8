import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PNG } from "pngjs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  concatCharts,
  DISPLAY,
  display, openDisplay,
  DisplayContent,
  imageGrid,
  imageGridRows,
  lineChart,
  Progress,
  ProgressStream,
  scatterChart,
} from "../lib/src/display";

const PUBLISH = Symbol.for("course.kernel.publish");
const globals = globalThis as Record<symbol, unknown>;

type Published = { content: DisplayContent; update: boolean };

/** Installs the kernel hook our future kernel will provide, recording every message. */
function installPublishHook(): Published[] {
  const published: Published[] = [];
  globals[PUBLISH] = (content: DisplayContent, update: boolean) => published.push({ content, update });
  return published;
}

afterEach(() => {
  delete globals[PUBLISH];
  vi.restoreAllMocks();
});

beforeAll(() => {
  // tfjs' CPU backend greets Node users on stderr on its first tensor; that is not ours to test.
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  tf.tensor([0]).dispose();
  warn.mockRestore();
});

/** Fails the test if the code under test writes anything to stderr. */
function forbidStderr() {
  return vi.spyOn(process.stderr, "write").mockImplementation(() => {
    throw new Error("wrote to stderr");
  });
}

/** Fills of the symbols vega draws for the (first) point mark: one <path> per data point. */
function pointFills(svg: string): string[] {
  const group = /<g class="mark-symbol role-mark[^>]*>(.*?)<\/g>/.exec(svg)?.[1] ?? "";
  return [...group.matchAll(/<path [^>]*fill="([^"]+)"/g)].map((m) => m[1]);
}

function pixel(png: PNG, x: number, y: number): number[] {
  const offset = (y * png.width + x) * 4;
  return Array.from(png.data.subarray(offset, offset + 4));
}

describe("charts", () => {
  it("renders a scatter chart to a self-contained SVG with one mark per point", async () => {
    const stderr = forbidStderr();
    const points = [[0, 0], [1, 1], [2, 0.5], [3, 2], [1, 3]];
    const c = await scatterChart({ points, color: ["a", "a", "a", "b", "b"], title: "Two classes" });

    expect(c.svg.startsWith("<svg")).toBe(true);
    expect(c.width).toBeGreaterThan(0);
    expect(c.height).toBeGreaterThan(0);
    const fills = pointFills(c.svg);
    expect(fills).toHaveLength(points.length);
    expect(new Set(fills).size).toBe(2);
    expect(fills.filter((fill) => fill === fills[0])).toHaveLength(3);
    expect(c.svg.match(/https?:\/\/[^"]*/g)).toEqual(["http://www.w3.org/2000/svg"]);
    expect(stderr).not.toHaveBeenCalled();
  });

  it("displays as vega-lite, SVG and text in one bundle", async () => {
    const c = await scatterChart({ points: [[0, 1], [2, 3]], title: "Tiny" });
    const bundle = c[DISPLAY]();
    expect(Object.keys(bundle).sort()).toEqual(["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
    expect(bundle["text/plain"]).toBe("Chart: Tiny (2 points)");
    expect(bundle["image/svg+xml"]).toBe(c.svg);
    expect((bundle["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema).toContain("vega-lite/v5");
  });

  it("draws overlay lines as arrows with labels over the points", async () => {
    const c = await scatterChart({
      points: [[-1, -1], [1, 1], [0.5, 0.2]],
      overlays: { lines: [{ x1: 0, y1: 0, x2: 1, y2: 0.5, label: "PC1" }] },
    });
    expect(c.spec.layer).toHaveLength(4);
    expect(c.svg).toContain("mark-rule");
    expect(c.svg).toContain(">PC1</text>");
    expect(c.svg).toMatch(/rotate\(-?[\d.]+\)/); // the arrow head is turned along its line
    expect(c.warnings).toEqual([]);
  });

  it("plots line series on a log axis, dropping values a log axis cannot show", async () => {
    const stderr = forbidStderr();
    const c = await lineChart({
      series: [
        { name: "train", x: [1, 2, 3, 4], y: [1, 0.1, 0.01, 0] },
        { name: "validation", x: [1, 2, 3, 4], y: [1.2, 0.2, NaN, 0.05] },
      ],
      logY: true,
      points: true,
      title: "Loss",
    });
    expect((c.spec.encoding as { y: { scale: unknown } }).y.scale).toEqual({ type: "log" });
    expect(c.pointCount).toBe(6);
    expect(c.svg).toContain("mark-line");
    expect(c.warnings).toEqual([]);
    expect(stderr).not.toHaveBeenCalled();
  });

  it("concatenates charts side by side, in columns, and saves the SVG", async () => {
    const a = await scatterChart({ points: [[0, 0], [1, 1]], width: 100, height: 80 });
    const b = await lineChart({ series: [{ name: "s", x: [0, 1], y: [1, 2] }], width: 100, height: 80 });
    const row = concatCharts([a, b]);
    expect(row.spec.hconcat).toHaveLength(2);
    expect(row.width).toBeGreaterThanOrEqual(a.width + b.width);
    expect(row.pointCount).toBe(4);

    const grid = concatCharts([a, b, a], { columns: 2, title: "Panels" });
    expect(grid.spec.concat).toHaveLength(3);
    expect(grid.spec.columns).toBe(2);
    expect(grid.height).toBeGreaterThan(a.height * 2);
    expect(grid.svg.match(/https?:\/\/[^"]*/g)?.every((url) => url === "http://www.w3.org/2000/svg")).toBe(true);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "display-")), "grid.svg");
    await grid.save(file);
    expect(fs.readFileSync(file, "utf8")).toBe(grid.svg);
  });
});

describe("image grids", () => {
  it("lays out a 3×4 grid of 28×28 images at scale 2 with padding 1", () => {
    const before = tf.memory().numTensors;
    const images = tf.zeros([12, 784]);
    const grid = imageGrid(images, { rows: 3, cols: 4 });
    const png = PNG.sync.read(grid.png);
    expect([png.width, png.height]).toEqual([4 * 56 + 5, 3 * 56 + 4]);
    expect([grid.width, grid.height]).toEqual([png.width, png.height]);
    expect(images.isDisposed).toBe(false); // the caller's tensor stays theirs
    images.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads [N, h, w, 1] tensors, flat arrays and rows of numbers alike", () => {
    const before = tf.memory().numTensors;
    const tensor = tf.ones([2, 5, 4, 1]);
    const fromTensor = imageGrid(tensor, { cols: 2 });
    tensor.dispose();
    const fromFlat = imageGrid(new Float32Array(2 * 20).fill(1), { height: 5, width: 4, cols: 2 });
    const fromRows = imageGrid([new Array(20).fill(1), new Array(20).fill(1)], { height: 5, width: 4, cols: 2 });
    expect(fromTensor.png.equals(fromFlat.png)).toBe(true);
    expect(fromRows.png.equals(fromFlat.png)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("maps values to colours under clip, minmax and symmetric scaling", () => {
    // One 2×2 image; with scale 1 and padding 1, value k sits at pixel (1 + k % 2, 1 + k / 2).
    const at = (png: PNG, index: number) => pixel(png, 1 + (index % 2), 1 + Math.floor(index / 2));
    const options = { height: 2, width: 2, scale: 1, padding: 1 } as const;

    const clip = PNG.sync.read(imageGrid([[0, 1, 2, -1]], { ...options, scaling: "clip" }).png);
    expect(at(clip, 0)).toEqual([0, 0, 0, 255]);
    expect(at(clip, 1)).toEqual([255, 255, 255, 255]);
    expect(at(clip, 2)).toEqual([255, 255, 255, 255]);
    expect(at(clip, 3)).toEqual([0, 0, 0, 255]);

    const nan = PNG.sync.read(imageGrid([[NaN, 0, 0, 0]], { ...options, scaling: "minmax" }).png);
    expect(at(nan, 0)).toEqual([255, 0, 255, 255]); // magenta, so NaNs cannot pass for black

    const minmax = PNG.sync.read(imageGrid([[2, 4, 3, 2]], { ...options, scaling: "minmax" }).png);
    expect(at(minmax, 0)).toEqual([0, 0, 0, 255]);
    expect(at(minmax, 1)).toEqual([255, 255, 255, 255]);
    expect(at(minmax, 2).slice(0, 3)).toEqual([128, 128, 128]);

    const symmetric = PNG.sync.read(imageGrid([[0, 2, -2, -1]], { ...options, scaling: "symmetric" }).png);
    expect(at(symmetric, 0)).toEqual([255, 255, 255, 255]);
    const [r, g, b] = at(symmetric, 1);
    expect(r).toBeGreaterThan(150);
    expect(Math.max(g, b)).toBeLessThan(60);
    const [nr, ng, nb] = at(symmetric, 2);
    expect(nb).toBeGreaterThan(150);
    expect(nb).toBeGreaterThan(nr + 100);
    expect(nb).toBeGreaterThan(ng);
    const half = at(symmetric, 3);
    expect(half[2]).toBeGreaterThan(half[0]); // still blue, lighter
    expect(half[0]).toBeGreaterThan(nr);
  });

  it("scales by nearest neighbour", () => {
    const png = PNG.sync.read(imageGrid([[1, 0, 0, 1]], { height: 2, width: 2, scale: 3, padding: 0 }).png);
    expect([png.width, png.height]).toEqual([6, 6]);
    for (const [x, y] of [[0, 0], [2, 2], [3, 3], [5, 5]]) expect(pixel(png, x, y)[0]).toBe(255);
    for (const [x, y] of [[3, 0], [5, 2], [0, 3], [2, 5]]) expect(pixel(png, x, y)[0]).toBe(0);
  });

  it("displays as a PNG with labels in the text", () => {
    const grid = imageGrid(new Float32Array(10 * 784), { labels: ["zero", "one"], cols: 5, title: "Digits" });
    const bundle = grid[DISPLAY]();
    expect(Object.keys(bundle).sort()).toEqual(["image/png", "text/plain"]);
    expect(Buffer.from(bundle["image/png"] as string, "base64").equals(grid.png)).toBe(true);
    expect(bundle["text/plain"]).toContain("2×5 images of 28×28");
    expect(bundle["text/plain"]).toContain("zero, one");
  });

  it("shows labelled rows as an HTML table and one stacked PNG", () => {
    const before = tf.memory().numTensors;
    const originals = tf.ones([3, 4, 4]);
    const rows = imageGridRows(
      [
        { label: "original", images: originals },
        { label: "<reconstruction>", images: new Float32Array(2 * 16) },
      ],
      { height: 4, width: 4, scale: 1, padding: 1 },
    );
    const bundle = rows[DISPLAY]();
    expect(Object.keys(bundle).sort()).toEqual(["image/png", "text/html", "text/plain"]);
    const html = bundle["text/html"] as string;
    expect(html.match(/<tr>/g)).toHaveLength(2);
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    expect(html).toContain("&#60;reconstruction&#62;");
    const stacked = PNG.sync.read(rows.png);
    expect([stacked.width, stacked.height]).toEqual([3 * 4 + 4, 2 * 4 + 3]);
    originals.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("display", () => {
  it("publishes the whole bundle once through the kernel hook, and updates it in place", () => {
    const published = installPublishHook();
    const shown = { [DISPLAY]: () => ({ "text/plain": "a", "text/html": "<b>a</b>", "image/png": Buffer.from([1, 2]) }) };
    const handle = openDisplay(shown);
    handle.update("b");

    expect(published).toHaveLength(2);
    const [first, second] = published;
    expect(first.update).toBe(false);
    expect(first.content.data).toEqual({ "text/plain": "a", "text/html": "<b>a</b>", "image/png": "AQI=" });
    expect(first.content.metadata).toEqual({});
    expect(first.content.transient.display_id).toBe(handle.displayId);
    expect(second.update).toBe(true);
    expect(second.content.data).toEqual({ "text/plain": "b" });
    expect(second.content.transient.display_id).toBe(handle.displayId);
  });

  it("prints the text to stdout, one line, without a kernel", () => {
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = forbidStderr();
    display({ "text/plain": "hello", "image/png": "AAAA" });
    display({ "image/png": "AAAA" });
    expect(stdout.mock.calls.map(([text]) => text)).toEqual(["hello\n", "[display: image/png]\n"]);
    expect(stderr).not.toHaveBeenCalled();
  });
});

describe("progress", () => {
  /** A clock the test moves by hand. */
  function fakeClock(start = 1_000) {
    let time = start;
    return { now: () => time, advance: (ms: number) => (time += ms) };
  }

  function recordingStream(isTTY: boolean): ProgressStream & { writes: string[] } {
    const writes: string[] = [];
    return { isTTY, writes, write: (text: string) => writes.push(text) };
  }

  it("formats position, loss, metrics, rate, ETA and elapsed time", () => {
    const clock = fakeClock();
    const stream = recordingStream(true);
    const progress = new Progress({ total: 1000, label: "VAE", samplesPerStep: 32, now: clock.now, stream });
    clock.advance(10_000);
    progress.update({ epoch: 1, epochs: 10, batch: 100, batches: 100, step: 100, loss: 0.123456, kl: 12.34567 });
    // 100 steps in 10 s: 10 steps/s, 320 samples/s, 900 steps left: 90 s.
    expect(progress.line).toBe(
      "VAE | 10% | epoch 1/10 | batch 100/100 | loss 0.1235 | kl 12.35 | 320 samples/s | ETA 1m 30s | elapsed 10s",
    );
    expect(stream.writes).toEqual([`\r${progress.line}\x1b[K`]);
  });

  it("throttles updates, but always shows the first one and the final line", () => {
    const clock = fakeClock();
    const stream = recordingStream(true);
    const progress = new Progress({ total: 100, minIntervalMs: 250, now: clock.now, stream });
    progress.update({ step: 1, loss: 1 });
    clock.advance(100);
    progress.update({ step: 2, loss: 0.9 }); // too soon
    clock.advance(100);
    progress.update({ step: 3, loss: 0.8 }); // too soon
    clock.advance(100);
    progress.update({ step: 4, loss: 0.7 }); // 300 ms after the first
    expect(stream.writes).toHaveLength(2);
    expect(stream.writes[1]).toContain("step 4/100");
    clock.advance(10);
    progress.done({ valLoss: 0.75 });
    expect(stream.writes).toHaveLength(3);
    expect(stream.writes[2]).toBe("\rdone | step 4 | loss 0.7000 | valLoss 0.7500 | 12.9 steps/s | elapsed 0.3s\x1b[K\n");
    progress.update({ step: 5 }); // after done: ignored
    expect(stream.writes).toHaveLength(3);
  });

  it("prints at most one line every 10 s to a non-terminal, plus the final line", () => {
    const clock = fakeClock();
    const stream = recordingStream(false);
    const progress = new Progress({ total: 1000, minIntervalMs: 0, now: clock.now, stream });
    for (let step = 1; step <= 250; step++) {
      clock.advance(100);
      progress.update({ step });
    }
    progress.done();
    // Lines at 0.1 s, 10.1 s and 20.1 s, then the final line at 25 s.
    expect(stream.writes).toHaveLength(4);
    expect(stream.writes.every((line) => line.endsWith("\n") && !line.includes("\r"))).toBe(true);
    expect(stream.writes[3]).toBe("done | step 250 | 10.0 steps/s | elapsed 25s\n");
  });

  it("updates one display in place through the kernel hook", () => {
    const published = installPublishHook();
    const clock = fakeClock();
    const progress = new Progress({ total: 10, label: "AE", now: clock.now });
    for (let step = 1; step <= 10; step++) {
      clock.advance(200);
      progress.update({ step, loss: 1 / step });
    }
    progress.done();

    // The first update, one every 250 ms of 2 s (at 0.6, 1.0, 1.4, 1.8 s), and done.
    expect(published.map((p) => p.update)).toEqual([false, true, true, true, true, true]);
    const ids = new Set(published.map((p) => p.content.transient.display_id));
    expect(ids.size).toBe(1);
    const last = published[published.length - 1].content.data;
    expect(Object.keys(last).sort()).toEqual(["text/html", "text/plain"]);
    expect(last["text/plain"]).toBe("AE | done | step 10 | loss 0.1000 | 5.00 steps/s | elapsed 2.0s");
    expect(last["text/html"]).toContain('<progress value="10" max="10"');
  });
});
