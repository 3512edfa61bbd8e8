// Just enough of source maps (v3, one source) to map a compiled cell's position back to its TypeScript.
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export interface Position {
  /** Zero-based. */
  line: number;
  /** Zero-based. */
  column: number;
}

type Segment = [generatedColumn: number, sourceLine: number, sourceColumn: number];

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`invalid character ${JSON.stringify(char)} in a source map`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

export class SourceMap {
  private readonly lines: Segment[][];

  constructor(mappings: string) {
    let sourceLine = 0;
    let sourceColumn = 0;
    this.lines = mappings.split(";").map((line) => {
      let generatedColumn = 0;
      const segments: Segment[] = [];
      for (const field of line.split(",")) {
        if (!field) continue;
        const values = decodeVlq(field);
        generatedColumn += values[0];
        if (values.length < 4) continue; // a segment without a source
        sourceLine += values[2];
        sourceColumn += values[3];
        segments.push([generatedColumn, sourceLine, sourceColumn]);
      }
      return segments;
    });
  }

  /** Reads the map a compiler inlined as a `//# sourceMappingURL=data:...;base64,` comment. */
  static fromInlineComment(code: string): SourceMap | undefined {
    const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
    if (!match) return undefined;
    const json = JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) as { mappings?: string };
    return typeof json.mappings === "string" ? new SourceMap(json.mappings) : undefined;
  }

  /** The original position of a generated one: the closest mapped segment at or before it. */
  original(position: Position): Position | undefined {
    for (let line = Math.min(position.line, this.lines.length - 1); line >= 0; line--) {
      const segments = this.lines[line];
      if (segments.length === 0) continue;
      let best = segments[0];
      if (line === position.line) for (const segment of segments) if (segment[0] <= position.column) best = segment;
      return { line: best[1], column: line === position.line ? best[2] : best[2] };
    }
    return undefined;
  }
}

/** Stripping a map's comment keeps the code's own line numbers (the comment is the last line). */
export function stripInlineMap(code: string): string {
  return code.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "\n");
}
