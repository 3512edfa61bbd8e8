// The history of this kernel session, for history_request (tail, range and search).
type Entry = [session: number, line: number, input: string | [string, string | null]];

const SESSION = 1;

export class History {
  private readonly entries: { line: number; input: string; output: string | undefined }[] = [];

  add(line: number, input: string, output: string | undefined): void {
    this.entries.push({ line, input, output });
  }

  query(request: Record<string, unknown>, _session: string): Entry[] {
    const withOutput = Boolean(request.output);
    const n = typeof request.n === "number" ? request.n : undefined;
    let selected = this.entries;
    switch (request.hist_access_type) {
      case "range": {
        const start = typeof request.start === "number" ? request.start : 0;
        const stop = typeof request.stop === "number" ? request.stop : Infinity;
        selected = selected.filter((entry) => entry.line >= start && entry.line < stop);
        break;
      }
      case "search": {
        const pattern = globToRegExp(String(request.pattern ?? "*"));
        selected = selected.filter((entry) => pattern.test(entry.input));
        if (request.unique) {
          const seen = new Set<string>();
          selected = selected.reverse().filter((entry) => !seen.has(entry.input) && seen.add(entry.input)).reverse();
        }
        if (n !== undefined) selected = selected.slice(-n);
        break;
      }
      default: // tail
        selected = n !== undefined ? selected.slice(-n) : selected;
    }
    return selected.map((entry) => [SESSION, entry.line, withOutput ? [entry.input, entry.output ?? null] : entry.input]);
  }
}

/** IPython's history search patterns are globs: `*` any text, `?` one character. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}
