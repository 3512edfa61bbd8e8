// What the wasm backend of tfjs 4.22 lacks for the course's models, built from its own fast kernels:
// - Conv2DBackpropFilter (without it no convolutional network trains on wasm);
// - matMul with transposed operands: wasm's BatchMatMul is ~4× slower with transposeA/B than
//   without, and dense backprop uses exactly those, so transpose explicitly and take the fast path.
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Backend = { disposeData(dataId: object): void };

let patched = false;

function wasmKernel(name: string): (args: KernelArgs) => Info {
  const config = tf.getKernel(name, "wasm");
  if (!config) throw new Error(`the wasm backend has no ${name} kernel; is @tensorflow/tfjs-backend-wasm 4.22 installed?`);
  return config.kernelFunc as (args: KernelArgs) => Info;
}

/** Runs kernels of the wasm backend directly, freeing the intermediate results it is told about. */
class KernelRunner {
  private readonly temporaries: Info[] = [];
  constructor(private readonly backend: unknown) {}

  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, temporary = true): Info {
    const out = wasmKernel(name)({ inputs, backend: this.backend, attrs });
    if (temporary) this.temporaries.push(out);
    return out;
  }

  transpose(x: Info, perm: number[]): Info {
    return this.run("Transpose", { x }, { perm });
  }

  dispose(): void {
    for (const info of this.temporaries) (this.backend as Backend).disposeData(info.dataId);
  }
}

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * dW[i,j,c,o] = Σ_{b,y,x} xPadded[b, y·s + i, x·s + j, c] · dy[b, y, x, o]: a convolution of x (batch and
 * channels swapped) with dy as the filter, dilated by the forward stride, cropped to the kernel size.
 */
function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dimRoundingMode, filterShape, dataFormat } = attrs as unknown as {
    strides: [number, number] | number;
    pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
    dataFormat: "NHWC" | "NCHW";
  };
  if (dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on wasm supports NHWC only");
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const [kh, kw, inChannels, outChannels] = filterShape;
  const k = new KernelRunner(backend);
  try {
    const { top, bottom, left, right } = conv.padInfo;
    const padded = top || bottom || left || right
      ? k.run("PadV2", { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })
      : x;
    const channelsAsBatch = k.transpose(padded, [3, 1, 2, 0]); // [C, H, W, B]
    const dyAsFilter = k.transpose(dy, [1, 2, 0, 3]); // [outH, outW, B, O]
    const correlated = k.run("Conv2D", { x: channelsAsBatch, filter: dyAsFilter }, {
      strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [conv.strideHeight, conv.strideWidth],
    }); // [C, ≥kh, ≥kw, O]
    const cropped = k.run("Slice", { x: correlated }, { begin: [0, 0, 0, 0], size: [inChannels, kh, kw, outChannels] });
    return k.run("Transpose", { x: cropped }, { perm: [1, 2, 0, 3] }, false); // [kh, kw, C, O]
  } finally {
    k.dispose();
  }
}

function withExplicitTransposes(kernelName: "BatchMatMul" | "_FusedMatMul") {
  const original = wasmKernel(kernelName);
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const k = new KernelRunner(backend);
    try {
      const { a, b } = inputs as { a: Info; b: Info };
      return original({
        inputs: {
          ...inputs,
          a: transposeA ? k.transpose(a, swapLastTwo(a.shape.length)) : a,
          b: transposeB ? k.transpose(b, swapLastTwo(b.shape.length)) : b,
        },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      k.dispose();
    }
  };
}

function replaceKernel(kernelName: string, kernelFunc: (args: KernelArgs) => Info): void {
  const existing = tf.getKernel(kernelName, "wasm");
  if (existing) tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ ...existing, kernelName, backendName: "wasm", kernelFunc: kernelFunc as tf.KernelFunc });
}

/** Registers the missing and faster kernels on the wasm backend (once). */
export function patchWasmBackend(): void {
  if (patched) return;
  patched = true;
  if (!tf.getKernel("Conv2DBackpropFilter", "wasm")) replaceKernel("Conv2DBackpropFilter", conv2dBackpropFilter);
  replaceKernel("BatchMatMul", withExplicitTransposes("BatchMatMul"));
  replaceKernel("_FusedMatMul", withExplicitTransposes("_FusedMatMul"));
}
