/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The handouts open offline in a real browser: headless Chromium (Debian's package) driven by
// playwright-core, every non-file request blocked. Screenshots go to reports/handouts/.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHandouts, HandoutPage } from "../scripts/handouts/build";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = path.resolve(__dirname, "..");
const SCREENSHOTS = path.join(ROOT, "reports", "handouts");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "handouts-"));
let pages: HandoutPage[] = [];
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium); .ci/run does it`);
  pages = await buildHandouts({ out, topics: ["pca"], log: () => undefined });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(out, { recursive: true, force: true });
});

interface Visit {
  blocked: string[];
  failed: string[];
  markdownText: string;
  chartSizes: { width: number; height: number }[];
  errorOutputs: number;
  prompts: string[];
}

async function visit(file: string, screenshot: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const blocked: string[] = [];
  const failed: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://") || url.startsWith("data:")) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on("requestfailed", (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.evaluate(() => (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax?.startup?.promise);
  const result = await page.evaluate(() => ({
    markdownText: Array.from(document.querySelectorAll(".jp-MarkdownOutput")).map((e) => (e as HTMLElement).innerText).join("\n"),
    // nbconvert embeds each chart's SVG as an <img> data URI: it must decode and take up room on the page.
    chartSizes: Array.from(document.querySelectorAll<HTMLImageElement>('.jp-OutputArea-output[data-mime-type="image/svg+xml"] img')).map((img) => {
      const box = img.getBoundingClientRect();
      return { width: Math.min(box.width, img.naturalWidth), height: Math.min(box.height, img.naturalHeight) };
    }),
    errorOutputs: document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error').length,
    prompts: Array.from(document.querySelectorAll(".jp-InputPrompt")).map((e) => (e as HTMLElement).innerText.trim()).filter(Boolean),
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return { blocked, failed, ...result };
}

describe("handouts in headless Chromium", () => {
  it("the index links both editions and loads nothing from outside", async () => {
    const result = await visit(path.join(out, "index.html"), path.join(SCREENSHOTS, "index.png"));
    expect(result.blocked).toEqual([]);
    expect(result.failed).toEqual([]);
    const html = fs.readFileSync(path.join(out, "index.html"), "utf8");
    expect(html).toContain('href="student/01-pca.html"');
    expect(html).toContain('href="answer-key/01-pca.html"');
  });

  it.each(["student", "answer-key"])("the %s edition of notebook 01: offline, math typeset, charts drawn, prompts numbered", async (edition) => {
    const page = pages.find((p) => p.edition === edition);
    expect(page).toBeDefined();
    const result = await visit(page!.file, path.join(SCREENSHOTS, `${edition}-01-pca.png`));
    expect(result.blocked, "requests that would leave the page").toEqual([]);
    expect(result.failed, "requests that failed").toEqual([]);
    expect(result.markdownText).toContain("principal component analysis");
    expect(result.markdownText).not.toContain("$");
    expect(result.chartSizes.length).toBeGreaterThanOrEqual(4);
    for (const size of result.chartSizes) expect(size.width * size.height).toBeGreaterThan(0);
    expect(result.prompts.length).toBeGreaterThan(10);
    expect(result.prompts.every((p) => /^In\s\[\d+\]:$/.test(p)), `prompts: ${result.prompts.slice(0, 3).join(", ")}`).toBe(true);
    expect(result.errorOutputs).toBe(0);
  });
});
