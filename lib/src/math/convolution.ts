// 2-D convolution as a matrix, and the transposed convolution three ways: Wᵀ·vec(y), a padded
// direct convolution with the rotated kernel, and (for reference) tf.conv2dTranspose.
// Conventions, as in TensorFlow: one image is NHWC without the batch, [h, w, c]; a kernel is
// [kh, kw, in, out]; vec() is row-major, so pixel (r, c), channel ch sits at (r·w + c)·C + ch;
// convolution is cross-correlation (no kernel flip).
import * as tf from "@tensorflow/tfjs";

export type ConvPadding = "valid" | "same";

export interface ConvOptions {
  stride: number;
  padding: ConvPadding;
}

/** Zeros added before and after one axis, and the output size along it. */
export interface AxisPadding {
  before: number;
  after: number;
  outputSize: number;
}

/** o = ⌊(i + 2p − k)/s⌋ + 1: the output size of a convolution with p zeros on each side. */
export function convolutionOutputSize(inputSize: number, kernelSize: number, stride: number, padding = 0): number {
  return Math.floor((inputSize + 2 * padding - kernelSize) / stride) + 1;
}

/**
 * o' = s(i' − 1) + a + k − 2p: the output size of the transposed convolution of an i'-sized input,
 * where a ∈ [0, s) picks one of the s input sizes that the direct convolution maps to i'.
 */
export function transposedConvolutionOutputSize(inputSize: number, kernelSize: number, stride: number, padding = 0, extra = 0): number {
  return stride * (inputSize - 1) + extra + kernelSize - 2 * padding;
}

/**
 * How TensorFlow pads one axis. 'valid': nothing. 'same': output ⌈i/s⌉, total padding
 * max((o − 1)s + k − i, 0), and when it is odd the extra zero goes after (bottom / right).
 */
export function axisPadding(inputSize: number, kernelSize: number, stride: number, padding: ConvPadding): AxisPadding {
  if (padding === "valid") return { before: 0, after: 0, outputSize: convolutionOutputSize(inputSize, kernelSize, stride) };
  const outputSize = Math.ceil(inputSize / stride);
  const total = Math.max((outputSize - 1) * stride + kernelSize - inputSize, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before, outputSize };
}

/** One non-zero entry of a single-channel convolution matrix: W[row, column] = kernel[kernelRow, kernelColumn]. */
export interface KernelTap {
  row: number;
  column: number;
  kernelRow: number;
  kernelColumn: number;
}

export interface ConvolutionTaps {
  taps: KernelTap[];
  outputHeight: number;
  outputWidth: number;
}

/**
 * Where each weight lands in the single-channel matrix W: output pixel (oy, ox) reads input pixel
 * (oy·s + ky − p_top, ox·s + kx − p_left) through weight (ky, kx); taps that fall on padding drop out.
 */
export function convolutionTaps(inputSize: [number, number], kernelSize: [number, number], options: ConvOptions): ConvolutionTaps {
  const [height, width] = inputSize;
  const [kh, kw] = kernelSize;
  const vertical = axisPadding(height, kh, options.stride, options.padding);
  const horizontal = axisPadding(width, kw, options.stride, options.padding);
  const taps: KernelTap[] = [];
  for (let oy = 0; oy < vertical.outputSize; oy++) {
    for (let ox = 0; ox < horizontal.outputSize; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const iy = oy * options.stride + ky - vertical.before;
          const ix = ox * options.stride + kx - horizontal.before;
          if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
          taps.push({ row: oy * horizontal.outputSize + ox, column: iy * width + ix, kernelRow: ky, kernelColumn: kx });
        }
      }
    }
  }
  return { taps, outputHeight: vertical.outputSize, outputWidth: horizontal.outputSize };
}

/**
 * The dense matrix W of a 2-D convolution, [oh·ow·out, h·w·in], so that vec(conv2d(x)) = W·vec(x).
 * With several channels it is a block matrix: the block of output channel co and input channel ci
 * is the single-channel matrix of kernel[:, :, ci, co], interleaved by the row-major vec().
 */
export function convolutionMatrix(kernel: tf.Tensor4D, inputShape: [number, number, number], options: ConvOptions): tf.Tensor2D {
  const [kh, kw, inChannels, outChannels] = kernel.shape;
  const [height, width, channels] = inputShape;
  if (channels !== inChannels) throw new Error(`convolutionMatrix: the input has ${channels} channels, the kernel expects ${inChannels}`);
  const { taps, outputHeight, outputWidth } = convolutionTaps([height, width], [kh, kw], options);
  const weights = kernel.dataSync();
  const columns = height * width * inChannels;
  const matrix = new Float32Array(outputHeight * outputWidth * outChannels * columns);
  for (const tap of taps) {
    for (let ci = 0; ci < inChannels; ci++) {
      for (let co = 0; co < outChannels; co++) {
        const weight = weights[((tap.kernelRow * kw + tap.kernelColumn) * inChannels + ci) * outChannels + co];
        matrix[(tap.row * outChannels + co) * columns + tap.column * inChannels + ci] = weight;
      }
    }
  }
  return tf.tensor2d(matrix, [outputHeight * outputWidth * outChannels, columns]);
}

function checkTransposedShapes(kernel: tf.Tensor4D, y: tf.Tensor3D, outputShape: [number, number, number], options: ConvOptions, where: string): void {
  const [kh, kw, inChannels, outChannels] = kernel.shape;
  const forward = [axisPadding(outputShape[0], kh, options.stride, options.padding).outputSize, axisPadding(outputShape[1], kw, options.stride, options.padding).outputSize, outChannels];
  if (outputShape[2] !== inChannels || forward.some((n, i) => n !== y.shape[i])) {
    throw new Error(
      `${where}: a convolution of a [${outputShape.join(", ")}] input with this kernel, stride ${options.stride} and ` +
        `'${options.padding}' padding gives [${forward.join(", ")}], not the input's [${y.shape.join(", ")}]`,
    );
  }
}

/** The transposed convolution as x' = Wᵀ·vec(y'), reshaped to outputShape [h, w, in]. */
export function transposedConvolutionViaMatrix(kernel: tf.Tensor4D, y: tf.Tensor3D, outputShape: [number, number, number], options: ConvOptions): tf.Tensor3D {
  checkTransposedShapes(kernel, y, outputShape, options, "transposedConvolutionViaMatrix");
  return tf.tidy(() => {
    const matrix = convolutionMatrix(kernel, outputShape, options);
    return tf.matMul(matrix, y.reshape([-1, 1]), true, false).reshape(outputShape) as tf.Tensor3D;
  });
}

/** s − 1 zeros between neighbouring pixels: [h, w, c] → [(h−1)s + 1, (w−1)s + 1, c]. */
export function insertZeros(y: tf.Tensor3D, stride: number): tf.Tensor3D {
  if (stride === 1) return y.clone();
  const [h, w, c] = y.shape;
  return tf.tidy(() =>
    y
      .reshape([h, 1, w, 1, c])
      .pad([[0, 0], [0, stride - 1], [0, 0], [0, stride - 1], [0, 0]])
      .reshape([h * stride, w * stride, c])
      .slice([0, 0, 0], [(h - 1) * stride + 1, (w - 1) * stride + 1, c]) as tf.Tensor3D,
  );
}

/** The kernel of the direct convolution that mimics the transposed one: rotated by 180°, in and out swapped. */
export function rotatedKernel(kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.reverse(kernel, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D);
}

/**
 * Zeros around the zero-inserted input for the direct convolution: k − 1 − p before, and after
 * whatever makes a stride-1 'valid' convolution come out at the requested size (k − 1 − p + a).
 */
export function directPadding(inputSize: number, kernelSize: number, outputSize: number, options: ConvOptions): { before: number; after: number } {
  const forward = axisPadding(outputSize, kernelSize, options.stride, options.padding);
  const before = kernelSize - 1 - forward.before;
  const dilated = (inputSize - 1) * options.stride + 1;
  return { before, after: outputSize + kernelSize - 1 - dilated - before };
}

/** The transposed convolution as a direct one: insert zeros, pad, convolve with the rotated kernel at stride 1. */
export function transposedConvolutionDirect(kernel: tf.Tensor4D, y: tf.Tensor3D, outputShape: [number, number, number], options: ConvOptions): tf.Tensor3D {
  checkTransposedShapes(kernel, y, outputShape, options, "transposedConvolutionDirect");
  const [kh, kw] = kernel.shape;
  const vertical = directPadding(y.shape[0], kh, outputShape[0], options);
  const horizontal = directPadding(y.shape[1], kw, outputShape[1], options);
  return tf.tidy(() => {
    const padded = insertZeros(y, options.stride).pad([[vertical.before, vertical.after], [horizontal.before, horizontal.after], [0, 0]]) as tf.Tensor3D;
    return tf.conv2d(padded, rotatedKernel(kernel), 1, "valid");
  });
}
