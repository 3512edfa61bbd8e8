// Builds the HTML handouts: every notebook executed with the course kernel and rendered to a
// self-contained page that works offline, in two editions (student: stubs; answer key: solutions).
//   handouts/index.html, handouts/<edition>/<NN-topic>.html (+ the executed .ipynb), handouts/assets/mathjax/
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "../../lib/src/display/escape";
import { executeNotebook, jupyterEnv, venvPython } from "../course/execute";
import { answerKeyNotebook, Edition, notebookFor, ROOT, topics } from "../course/exercises";
import { Notebook, readNotebook, serializeNotebook } from "../course/notebook";

export const EDITIONS: { edition: Edition; label: string }[] = [
  { edition: "student", label: "Student edition" },
  { edition: "answer-key", label: "Answer key" },
];

export interface HandoutPage {
  topic: string;
  edition: Edition;
  file: string;
  /** Seconds to execute the notebook, then to render it. */
  executeSeconds: number;
  renderSeconds: number;
  errors: number;
}

interface TopicInfo {
  topic: string;
  name: string;
  number: number;
  title: string;
  objectives: string[];
}

function topicInfo(topic: string): TopicInfo {
  const file = notebookFor(topic);
  const course = (readNotebook(file).metadata.course ?? {}) as { number?: number; title?: string; objectives?: string[] };
  return { topic, name: path.basename(file, ".ipynb"), number: course.number ?? 0, title: course.title ?? topic, objectives: course.objectives ?? [] };
}

function notebookForEdition(topic: string, edition: Edition): Notebook {
  return edition === "answer-key" ? answerKeyNotebook(topic) : readNotebook(notebookFor(topic));
}

/** MathJax 3 (SVG output, so no web fonts) and the TeX extensions it may load on demand. */
function copyMathJax(out: string): void {
  const source = path.join(path.dirname(require.resolve("mathjax/package.json")), "es5");
  const target = path.join(out, "assets", "mathjax");
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(source, "tex-svg.js"), path.join(target, "tex-svg.js"));
  fs.cpSync(path.join(source, "input", "tex", "extensions"), path.join(target, "input", "tex", "extensions"), { recursive: true });
}

function render(executedFile: string, htmlFile: string, context: object): void {
  const contextFile = `${htmlFile}.context.json`;
  fs.writeFileSync(contextFile, JSON.stringify(context));
  try {
    const run = spawnSync(venvPython(), [path.join(ROOT, "scripts", "render_handout.py"), executedFile, htmlFile, contextFile], { encoding: "utf8", env: jupyterEnv() });
    if (run.status !== 0) throw new Error(`rendering ${path.basename(htmlFile)} failed:\n${run.stderr.slice(-3000)}`);
  } finally {
    fs.rmSync(contextFile, { force: true });
  }
}

function indexPage(infos: TopicInfo[], pages: HandoutPage[]): string {
  const rows = infos
    .map((info) => {
      const links = EDITIONS.map(({ edition, label }) => {
        const page = pages.find((p) => p.topic === info.topic && p.edition === edition);
        return page ? `<a href="${edition}/${info.name}.html">${label}</a> <small>(ran in ${page.executeSeconds.toFixed(0)} s)</small>` : "";
      }).join("<br>");
      const objectives = info.objectives.map((o) => `<li>${escapeHtml(o)}</li>`).join("");
      return `<tr><td>${String(info.number).padStart(2, "0")}</td><td><b>${escapeHtml(info.title)}</b><ul>${objectives}</ul></td><td>${links}</td></tr>`;
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Generative models: handouts</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #1f2937; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #d0d7de; padding: 0.6em; vertical-align: top; text-align: left; }
ul { margin: 0.3em 0; padding-left: 1.2em; }
</style></head>
<body>
<h1>Generative models in TypeScript: handouts</h1>
<p>Every notebook executed with the course's TypeScript kernel. The <i>student edition</i> has the exercise cells as stubs; the <i>answer key</i> has them solved. Built ${new Date().toISOString().slice(0, 10)}.</p>
<table><thead><tr><th>#</th><th>Topic and learning objectives</th><th>Editions</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

export async function buildHandouts(options: { out?: string; topics?: string[]; log?: (line: string) => void } = {}): Promise<HandoutPage[]> {
  const out = options.out ?? path.join(ROOT, "handouts");
  const log = options.log ?? ((line: string) => console.log(line));
  const infos = (options.topics ?? topics()).map(topicInfo).sort((a, b) => a.number - b.number);
  copyMathJax(out);
  const pages: HandoutPage[] = [];
  for (const { edition, label } of EDITIONS) {
    fs.mkdirSync(path.join(out, edition), { recursive: true });
    for (const info of infos) {
      const executed = executeNotebook(notebookForEdition(info.topic, edition), { name: `${info.name}-${edition}` });
      const executedFile = path.join(out, edition, `${info.name}.ipynb`);
      fs.writeFileSync(executedFile, serializeNotebook(executed.executed));
      const htmlFile = path.join(out, edition, `${info.name}.html`);
      const renderStarted = performance.now();
      render(executedFile, htmlFile, {
        edition_label: label,
        index_href: "../index.html",
        mathjax_dir: "../assets/mathjax",
        pages: infos.map((other) => ({ href: `${other.name}.html`, label: `${String(other.number).padStart(2, "0")} ${other.title}`, current: other.topic === info.topic })),
      });
      const page: HandoutPage = {
        topic: info.topic, edition, file: htmlFile, executeSeconds: executed.wall_seconds,
        renderSeconds: (performance.now() - renderStarted) / 1000, errors: executed.errors.length + executed.stderr.length,
      };
      pages.push(page);
      log(`${edition}/${info.name}.html: executed in ${page.executeSeconds.toFixed(1)} s, rendered in ${page.renderSeconds.toFixed(1)} s${page.errors ? `, ${page.errors} error output(s)` : ""}`);
    }
  }
  fs.writeFileSync(path.join(out, "index.html"), indexPage(infos, pages));
  return pages;
}
