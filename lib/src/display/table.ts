// A small table of results (e.g. reconstruction error per number of components) as HTML and text.
import { Displayable, DISPLAY, MimeBundle } from "./bundle";
import { escapeHtml } from "./escape";

export type TableRow = Record<string, string | number>;

function formatCell(value: string | number): string {
  return typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : value;
}


export class Table implements Displayable {
  readonly columns: string[];
  constructor(readonly rows: TableRow[], readonly title = "") {
    this.columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  }

  toText(): string {
    const cells = [this.columns, ...this.rows.map((row) => this.columns.map((c) => (c in row ? formatCell(row[c]) : "")))];
    const widths = this.columns.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
    const lines = cells.map((r) => r.map((cell, j) => cell.padStart(widths[j])).join("  "));
    lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
    return (this.title ? `${this.title}\n` : "") + lines.join("\n");
  }

  toHtml(): string {
    const head = this.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
    const body = this.rows
      .map((row) => `<tr>${this.columns.map((c) => `<td>${c in row ? escapeHtml(formatCell(row[c])) : ""}</td>`).join("")}</tr>`)
      .join("");
    const caption = this.title ? `<caption>${escapeHtml(this.title)}</caption>` : "";
    return `<table class="course-table">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }

  [DISPLAY](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toText() };
  }
}

export function table(rows: TableRow[], title?: string): Table {
  return new Table(rows, title);
}
