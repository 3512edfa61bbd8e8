// The check runner reports each way a student's function can go wrong, with a readable message.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { CheckCase, expectTensorClose, formatResults, notImplemented, runCase } from "../lib/src/checks";
import { parseNotebook } from "../scripts/course/notebook";

const addOne: CheckCase<(x: tf.Tensor1D) => tf.Tensor1D> = {
  name: "adds one",
  kind: "closed form",
  points: 1,
  run: (fn) => expectTensorClose(fn(tf.tensor1d([1, 2, 3])), [2, 3, 4], [3], "result"),
};

describe("runCase", () => {
  it("passes a correct function and frees the tensors the case made", async () => {
    const before = tf.memory().numTensors;
    const result = await runCase(addOne, (x) => x.add(1));
    expect(result.status).toBe("passed");
    expect(tf.memory().numTensors).toBe(before);
  });

  it("says where values differ, with expected and got", async () => {
    const result = await runCase(addOne, (x) => x.add(tf.tensor1d([1, 1, 2])));
    expect(result.status).toBe("failed");
    expect(result.message).toContain("result: at [2] expected 4, got 5");
  });

  it("says which shape was expected", async () => {
    const result = await runCase(addOne, (x) => x.add(1).reshape([3, 1]) as tf.Tensor1D);
    expect(result.message).toBe("result: expected shape [3], got [3, 1]");
  });

  it("says when the function returned something that is not a tensor", async () => {
    const result = await runCase(addOne, () => undefined as unknown as tf.Tensor1D);
    expect(result.message).toBe("result: expected a tf.Tensor, got undefined (did the function forget to return?)");
  });

  it("reports a stub as not implemented, and a crash without a stack trace", async () => {
    expect((await runCase(addOne, () => { throw notImplemented("demo.addOne"); })).status).toBe("not implemented");
    const crashed = await runCase(addOne, () => { throw new TypeError("x.foo is not a function"); });
    expect(crashed).toMatchObject({ status: "error", message: "threw TypeError: x.foo is not a function" });
  });

  it("formats one line per case, with a header counting the passes", async () => {
    const results = [await runCase(addOne, (x) => x.add(1)), await runCase(addOne, (x) => x)];
    const { text, html } = formatResults({ id: "demo.addOne", functionName: "addOne", title: "Add one", cases: [] }, results);
    expect(text.split("\n")[0]).toBe("Add one (demo.addOne): 1/2 checks passed");
    expect(text).toContain("✓ adds one");
    expect(text).toContain("✗ adds one\n    result: at [0] expected 2, got 1");
    expect(html).toContain("<li");
  });
});

describe("parseNotebook", () => {
  it.each([
    ["{ not json", "x.ipynb: not valid JSON"],
    ["[]", "x.ipynb: not a notebook: the top level is not a JSON object"],
    [JSON.stringify({ nbformat: 3, worksheets: [] }), "x.ipynb: nbformat 3 is not supported: open it in JupyterLab and save it again"],
    [JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {} }), "x.ipynb: not a notebook: it has no list of cells"],
    [JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ source: "" }] }), "x.ipynb: cell 1 is malformed (no valid cell_type)"],
  ])("rejects %s with a clear message", (text, message) => {
    expect(() => parseNotebook(text, "x.ipynb")).toThrow(message);
  });
});
