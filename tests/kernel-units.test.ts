// The kernel's pure parts, without starting it: message signing and framing, source-map decoding, history.
import { describe, expect, it } from "vitest";
import { History } from "../kernel/src/history";
import { earlierCellNames, expandShorthandProperties } from "../kernel/src/shorthand";
import { SourceMap } from "../kernel/src/sourcemap";
import { makeHeader, parseMessage, serializeMessage, Signer, WireError } from "../kernel/src/wire";

describe("wire format", () => {
  const signer = new Signer("secret-key");
  const message = {
    identities: [Buffer.from("client-1")],
    header: makeHeader("execute_request", "session-1"),
    parent_header: {},
    metadata: {},
    content: { code: "1 + 1" },
  };

  it("round-trips a signed message with its identities", () => {
    const parsed = parseMessage(serializeMessage(message, signer), signer);
    expect(parsed.identities.map(String)).toEqual(["client-1"]);
    expect(parsed.header).toEqual(message.header);
    expect(parsed.content).toEqual({ code: "1 + 1" });
    expect(parsed.header.version).toBe("5.3");
  });

  it("signs with HMAC-SHA256 over header, parent, metadata and content", () => {
    const frames = serializeMessage(message, signer);
    const expected = require("node:crypto").createHmac("sha256", "secret-key").update(frames[3]).update(frames[4]).update(frames[5]).update(frames[6]).digest("hex");
    expect(frames[2].toString()).toBe(expected);
  });

  it("rejects a tampered message and one signed with another key", () => {
    const frames = serializeMessage(message, signer);
    frames[6] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
    expect(() => parseMessage(frames, signer)).toThrow(WireError);
    expect(() => parseMessage(serializeMessage(message, new Signer("other")), signer)).toThrow(/invalid HMAC signature/);
  });

  it("rejects frames without the delimiter", () => {
    expect(() => parseMessage([Buffer.from("x")], signer)).toThrow(/delimiter/);
  });
});

describe("source maps", () => {
  it("decodes VLQ mappings and finds the closest segment at or before a position", () => {
    // Generated line 0: column 0 → source (1, 0), column 4 → (1, 6); line 1 empty; line 2: column 2 → (3, 6)
    // (source positions are deltas carried across lines).
    const map = new SourceMap("AACA,IAAM;;EAEA");
    expect(map.original({ line: 0, column: 0 })).toEqual({ line: 1, column: 0 });
    expect(map.original({ line: 0, column: 9 })).toEqual({ line: 1, column: 6 });
    expect(map.original({ line: 2, column: 5 })).toEqual({ line: 3, column: 6 });
    expect(map.original({ line: 1, column: 0 })?.line).toBe(1); // an unmapped line falls back to the line above
  });

  it("reads an inline map comment", () => {
    const json = Buffer.from(JSON.stringify({ version: 3, sources: ["a.ts"], mappings: "AAAA" })).toString("base64");
    expect(SourceMap.fromInlineComment(`x;\n//# sourceMappingURL=data:application/json;base64,${json}`)?.original({ line: 0, column: 3 })).toEqual({ line: 0, column: 0 });
  });
});

describe("history", () => {
  const history = new History();
  ["1 + 1", "const a = 2;", "1 + 1", "a * 3"].forEach((code, i) => history.add(i + 1, code, i === 0 ? "2" : undefined));

  it("answers tail, range and search (with unique and n)", () => {
    expect(history.query({ hist_access_type: "tail", n: 2 }, "s")).toEqual([[1, 3, "1 + 1"], [1, 4, "a * 3"]]);
    expect(history.query({ hist_access_type: "range", start: 2, stop: 3 }, "s")).toEqual([[1, 2, "const a = 2;"]]);
    expect(history.query({ hist_access_type: "search", pattern: "1 +*" }, "s")).toHaveLength(2);
    expect(history.query({ hist_access_type: "search", pattern: "1 +*", unique: true }, "s")).toEqual([[1, 3, "1 + 1"]]);
    expect(history.query({ hist_access_type: "tail", n: 1, output: true }, "s")).toEqual([[1, 4, ["a * 3", null]]]);
  });
});

describe("shorthand properties", () => {
  it("finds the names earlier cells declared: variables, destructured ones, functions, classes, enums and imports", () => {
    const declarations = 'import * as fs from "fs";\nimport main, { join as joinPath } from "path";\ndeclare const a: number, [b, , { c }]: any;\ndeclare function f(): void;\ndeclare class K {}\ndeclare enum E { X }';
    expect([...earlierCellNames(declarations)].sort()).toEqual(["E", "K", "a", "b", "c", "f", "fs", "joinPath", "main"]);
  });

  it("spells out { a } as { a: a } for earlier names only, and maps positions back to the cell as typed", () => {
    const source = "const o = { a, local, b };\nconst p = { ...o, b };\nlet local = 1;";
    const expanded = expandShorthandProperties(source, new Set(["a", "b"]));
    expect(expanded.source).toBe("const o = { a: a, local, b: b };\nconst p = { ...o, b: b };\nlet local = 1;");
    // Line 0: "local" is at 15 in the cell, 18 after "a: "; the second "b" at 22, 25 + 3 after.
    expect(expanded.toOriginal({ line: 0, character: 18 })).toEqual({ line: 0, character: 15 });
    expect(expanded.toOriginal({ line: 0, character: 28 })).toEqual({ line: 0, character: 22 });
    expect(expanded.toOriginal({ line: 0, character: 13 })).toEqual({ line: 0, character: 12 }); // inside "a: ": the insertion point
    expect(expanded.toOriginal({ line: 2, character: 4 })).toEqual({ line: 2, character: 4 });
    const typedLocal = source.indexOf("local");
    expect(expanded.toOriginalOffset(expanded.source.indexOf("local"))).toBe(typedLocal);
    expect(expanded.toOriginalOffset(expanded.source.indexOf("let"))).toBe(source.indexOf("let"));
    expect(expandShorthandProperties(source, new Set()).source).toBe(source);
  });
});
