// Reference solutions of notebook 03 (transposed convolution as a matrix). The single source of
// truth: `npm run release` turns each body between BEGIN/END SOLUTION into a stub in
// exercises/convolution.ts and in the notebook's cells.
// Conventions throughout, as in TensorFlow: one image is [h, w, c] (NHWC without the batch), a
// kernel is [kh, kw, in, out], vec() is row-major (pixel (r, c), channel ch at index (r·w + c)·C + ch),
// and a convolution is a cross-correlation: y[r, c] = Σ w[ky, kx] x[r·s + ky − p, c·s + kx − p].
import { tf } from "@course/lib";

/**
 * Exercise convolution.outputSize: the output size of a convolution along one axis.
 *
 * An input of size i, a kernel of size k, stride s and p zeros of padding on each side give
 *     o = ⌊(i + 2p − k) / s⌋ + 1.
 * (Math.floor rounds down.) Example from the slides: i = 4, k = 3, s = 1, p = 0 gives o = 2.
 * @exercise convolution.outputSize
 */
export function convOutputSize(inputSize: number, kernelSize: number, stride: number, padding: number): number {
  // BEGIN SOLUTION
  return Math.floor((inputSize + 2 * padding - kernelSize) / stride) + 1;
  // END SOLUTION
}

/**
 * Exercise convolution.transposedOutputSize: the output size of a transposed convolution.
 *
 * The transposed convolution of an input of size i' (kernel k, stride s, padding p) has size
 *     o' = s(i' − 1) + a + k − 2p,
 * where a ∈ {0, …, s − 1} says which of the s input sizes that a stride-s convolution maps to i'
 * we go back to (the floor in the convolution's formula forgets it). Example: i' = 2, k = 3,
 * s = 1, p = 0, a = 0 gives the slides' o' = 4.
 * @exercise convolution.transposedOutputSize
 */
export function transposedOutputSize(inputSize: number, kernelSize: number, stride: number, padding: number, extra: number): number {
  // BEGIN SOLUTION
  return stride * (inputSize - 1) + extra + kernelSize - 2 * padding;
  // END SOLUTION
}

/**
 * Exercise convolution.convMatrix: the dense matrix W of a 2-D convolution, so that
 * vec(tf.conv2d(x, kernel, stride, padding)) = W · vec(x).
 *
 * kernel is [kh, kw, in, out], inputShape is [h, w, in]. W has one row per output value and one
 * column per input value: shape [oh·ow·out, h·w·in], with row (oy·ow + ox)·out + co and column
 * (iy·w + ix)·in + ci. Output pixel (oy, ox) reads input pixel
 *     (iy, ix) = (oy·s + ky − top, ox·s + kx − left)  through weight kernel[ky, kx, ci, co];
 * taps that land outside the image read padding zeros and add nothing.
 * Padding as in TensorFlow, per axis: 'valid' → no padding, o = ⌊(i − k)/s⌋ + 1;
 * 'same' → o = ⌈i/s⌉, total padding P = max((o − 1)s + k − i, 0), top/left = ⌊P/2⌋ (when P is
 * odd the extra zero goes at the bottom/right).
 * Hint: kernel.arraySync() gives nested arrays; fill a Float32Array and return tf.tensor2d(values, shape).
 * @exercise convolution.convMatrix
 */
export function convMatrix(kernel: tf.Tensor4D, inputShape: [number, number, number], options: { stride: number; padding: "valid" | "same" }): tf.Tensor2D {
  // BEGIN SOLUTION
  const [kh, kw, inChannels, outChannels] = kernel.shape;
  const [height, width] = inputShape;
  const { stride, padding } = options;
  const axis = (size: number, k: number) => {
    if (padding === "valid") return { out: Math.floor((size - k) / stride) + 1, before: 0 };
    const out = Math.ceil(size / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2) };
  };
  const rows = axis(height, kh);
  const cols = axis(width, kw);
  const weights = kernel.arraySync();
  const columnCount = height * width * inChannels;
  const matrix = new Float32Array(rows.out * cols.out * outChannels * columnCount);
  for (let oy = 0; oy < rows.out; oy++) {
    for (let ox = 0; ox < cols.out; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const iy = oy * stride + ky - rows.before;
          const ix = ox * stride + kx - cols.before;
          if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
          for (let ci = 0; ci < inChannels; ci++) {
            for (let co = 0; co < outChannels; co++) {
              const row = (oy * cols.out + ox) * outChannels + co;
              const column = (iy * width + ix) * inChannels + ci;
              matrix[row * columnCount + column] = weights[ky][kx][ci][co];
            }
          }
        }
      }
    }
  }
  return tf.tensor2d(matrix, [rows.out * cols.out * outChannels, columnCount]);
  // END SOLUTION
}

/**
 * Exercise convolution.transposedViaMatrix: the transposed convolution as x' = Wᵀ · vec(y').
 *
 * W is the matrix of the convolution (same kernel, stride and padding) that maps an image of
 * outputShape [h, w, in] to one of y's shape [h', w', out]; use your convMatrix. Several output
 * shapes can map to the same y' when s > 1, which is why the caller gives outputShape
 * (tf.conv2dTranspose asks for it too). Return Wᵀ·vec(y') reshaped to outputShape. Hint:
 * tf.matMul(a, b, true, false) multiplies by aᵀ without building it; use tf.tidy.
 * @exercise convolution.transposedViaMatrix
 */
export function transposedConvViaMatrix(kernel: tf.Tensor4D, y: tf.Tensor3D, outputShape: [number, number, number], options: { stride: number; padding: "valid" | "same" }): tf.Tensor3D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const matrix = convMatrix(kernel, outputShape, options);
    return tf.matMul(matrix, y.reshape([-1, 1]), true, false).reshape(outputShape) as tf.Tensor3D;
  });
  // END SOLUTION
}

/**
 * Exercise convolution.transposedViaDirect: the same transposed convolution as a direct one.
 *
 * 1. Insert s − 1 zeros between neighbouring pixels of y' ([h', w', out] → [(h'−1)s + 1, (w'−1)s + 1, out]).
 * 2. Pad each axis with k − 1 − p_before zeros before and k − 1 − p_after + a after, where
 *    p_before / p_after are the padding of the forward convolution of an outputShape image
 *    ('valid': 0 and 0; 'same': as in convMatrix) and a = o − ((h'−1)s + k − p_before − p_after)
 *    the leftover of the output-shape ambiguity. Equivalently: pad after so that a stride-1
 *    'valid' convolution comes out at outputShape.
 * 3. Convolve with stride 1, 'valid', with the kernel rotated by 180° (tf.reverse on axes 0, 1)
 *    and its in/out channels swapped (transpose [0, 1, 3, 2]).
 * With s = 1, p = 0 and k = 3 this is the slides' recipe: pad a 2×2 input by 2, convolve, get 4×4.
 * @exercise convolution.transposedViaDirect
 */
export function transposedConvViaDirect(kernel: tf.Tensor4D, y: tf.Tensor3D, outputShape: [number, number, number], options: { stride: number; padding: "valid" | "same" }): tf.Tensor3D {
  // BEGIN SOLUTION
  const [kh, kw] = kernel.shape;
  const [h, w, channels] = y.shape;
  const s = options.stride;
  const pads = (inputSize: number, k: number, outputSize: number): [number, number] => {
    const forwardOut = Math.ceil(outputSize / s);
    const forwardBefore = options.padding === "same" ? Math.floor(Math.max((forwardOut - 1) * s + k - outputSize, 0) / 2) : 0;
    const before = k - 1 - forwardBefore;
    return [before, outputSize + k - 1 - ((inputSize - 1) * s + 1) - before];
  };
  return tf.tidy(() => {
    const spread = y
      .reshape([h, 1, w, 1, channels])
      .pad([[0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]])
      .reshape([h * s, w * s, channels])
      .slice([0, 0, 0], [(h - 1) * s + 1, (w - 1) * s + 1, channels]) as tf.Tensor3D;
    const padded = spread.pad([pads(h, kh, outputShape[0]), pads(w, kw, outputShape[1]), [0, 0]]) as tf.Tensor3D;
    const rotated = tf.reverse(kernel, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(padded, rotated, 1, "valid");
  });
  // END SOLUTION
}

/**
 * Exercise convolution.gradient: the gradient of a convolution with respect to its input.
 *
 * For L(x) = Σ conv2d(x, kernel) ⊙ g (g: an upstream gradient of the output's shape),
 * ∂L/∂vec(x) = Wᵀ vec(g): backpropagation through a convolution *is* the transposed convolution.
 * Compute it with tf.grad (not with your matrix): tf.grad(f) returns a function of x that gives
 * ∂f/∂x. Return a tensor of x's shape; use tf.tidy.
 * @exercise convolution.gradient
 */
export function convInputGradient(kernel: tf.Tensor4D, x: tf.Tensor3D, upstream: tf.Tensor3D, options: { stride: number; padding: "valid" | "same" }): tf.Tensor3D {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const loss = (input: tf.Tensor) => tf.conv2d(input as tf.Tensor3D, kernel, options.stride, options.padding).mul(upstream).sum();
    return tf.grad(loss)(x) as tf.Tensor3D;
  });
  // END SOLUTION
}
