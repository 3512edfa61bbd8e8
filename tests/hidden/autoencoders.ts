// Hidden cases of notebook 02: never shipped to students. Feedback names a failed case and its
// kind, never its inputs or expected values.
import * as tf from "@tensorflow/tfjs";
import { CheckCase, expectClose, expectShape, expectTensorClose, expectTrue, fail } from "../../lib/src/checks";
import {
  bruteKl, bruteL1, bruteSquaredError, ClassifyByNearestNeighbour, DECODER_LAST, decoderSizes, ENCODER_LAST, encoderSizes, expectDenseStack,
  expectForwardPass, expectNearestLabels, expectNeighbours, expectParameterCount, expectPerImage, expectScalar, expectShare, GaussianNoise,
  gradientOf, hiddenActivations, HintonDecoder, HintonEncoder, KlSparsity, klGradient, L1Sparsity, MaskingNoise, NearestNeighbours,
  PerImageLoss, seededNormal, seededUniform, stableCrossEntropy, withModel,
} from "../../lib/src/checks/autoencoders";

export const hiddenCases: Record<string, CheckCase<never>[]> = {
  "autoencoders.encoder": [
    {
      name: "activation \"elu\", codeSize 16: layers, activations, parameters and a batch",
      kind: "structure",
      points: 1,
      run: ((hintonEncoder: HintonEncoder) => {
        withModel(() => hintonEncoder(16, "elu"), "the encoder with elu units", (model) => {
          expectDenseStack(model, encoderSizes(16), hiddenActivations("elu"), "the encoder with elu units", ENCODER_LAST);
          expectParameterCount(model, encoderSizes(16), "the encoder with elu units");
          expectForwardPass(model, tf.tensor2d(seededUniform(3, 784, 301), [3, 784]), 16, "the encoder with elu units");
        });
      }) as never,
    },
  ],
  "autoencoders.decoder": [
    {
      name: "activation \"elu\", codeSize 2: layers, activations, parameters and a batch",
      kind: "structure",
      points: 1,
      run: ((hintonDecoder: HintonDecoder) => {
        withModel(() => hintonDecoder(2, "elu"), "the decoder with elu units", (model) => {
          expectDenseStack(model, decoderSizes(2), hiddenActivations("elu"), "the decoder with elu units", DECODER_LAST);
          expectParameterCount(model, decoderSizes(2), "the decoder with elu units");
          expectForwardPass(model, tf.tensor2d(seededNormal(3, 2, 302, 0, 5), [3, 2]), 784, "the decoder with elu units");
        });
      }) as never,
    },
  ],
  "autoencoders.squaredError": [
    {
      name: "a single image [1, 784] and 7 one-pixel images [7, 1] against a brute-force loop",
      kind: "brute force",
      points: 1,
      run: ((squaredErrorPerImage: PerImageLoss) => {
        const [x, y] = [seededUniform(1, 784, 311), seededNormal(1, 784, 312)];
        expectPerImage(squaredErrorPerImage(tf.tensor2d(x, [1, 784]), tf.tensor2d(y, [1, 784])), bruteSquaredError(x, y, 1, 784), "squared error");
        const [a, b] = [seededNormal(7, 1, 313, 0, 10), seededNormal(7, 1, 314)];
        expectPerImage(squaredErrorPerImage(tf.tensor2d(a, [7, 1]), tf.tensor2d(b, [7, 1])), bruteSquaredError(a, b, 7, 1), "squared error");
      }) as never,
    },
  ],
  "autoencoders.crossEntropy": [
    {
      name: "binary images with logits up to ±40 against the stable form in float64",
      kind: "numerical stability",
      points: 1,
      run: ((crossEntropyFromLogits: PerImageLoss) => {
        const x = Float32Array.from(seededUniform(20, 784, 321), (v) => (v < 0.3 ? 1 : 0));
        const logits = seededUniform(20, 784, 322, -40, 40);
        expectPerImage(crossEntropyFromLogits(tf.tensor2d(x, [20, 784]), tf.tensor2d(logits, [20, 784])), stableCrossEntropy(x, logits, 20, 784), "cross-entropy");
      }) as never,
    },
  ],
  "autoencoders.maskingNoise": [
    {
      name: "values are dropped independently: the share of zeros in every row and every column is near dropRate",
      kind: "statistics",
      points: 1,
      run: ((maskingNoise: MaskingNoise) => {
        // Rate 0.3 on 400 × 500: a row's share has standard deviation √(0.21/500) ≈ 2.0%, a column's 2.3%;
        // ± 15% is 6.5 of them. One mask for every row (or every column) gives shares of 0 or 1.
        const [rows, columns, rate] = [400, 500, 0.3];
        const got = expectShape(maskingNoise(tf.ones([rows, columns]) as tf.Tensor2D, rate, 331), [rows, columns], "masking noise").dataSync();
        for (let r = 0; r < rows; r++) {
          let zeros = 0;
          for (let c = 0; c < columns; c++) zeros += got[r * columns + c] === 0 ? 1 : 0;
          expectShare(zeros, columns, rate, 0.15, `masking noise with dropRate ${rate}: row ${r} set to 0`);
        }
        for (let c = 0; c < columns; c++) {
          let zeros = 0;
          for (let r = 0; r < rows; r++) zeros += got[r * columns + c] === 0 ? 1 : 0;
          expectShare(zeros, rows, rate, 0.15, `masking noise with dropRate ${rate}: column ${c} set to 0`);
        }
      }) as never,
    },
  ],
  "autoencoders.gaussianNoise": [
    {
      name: "the noise is Gaussian: on x = 0.3 with stddev 0.1, the shares below 0.2 and above 0.5 are Φ(−1) and 1 − Φ(2)",
      kind: "statistics",
      points: 1,
      run: ((gaussianNoise: GaussianNoise) => {
        // 78,400 values: standard deviations 0.13% and 0.05% of the shares; bounds of 1% and 0.5%.
        // Uniform noise of the same spread gives 21% and 0%, a normal truncated at 2σ gives 0% above.
        const got = expectShape(gaussianNoise(tf.fill([100, 784], 0.3) as tf.Tensor2D, 0.1, 341), [100, 784], "gaussian noise").dataSync();
        expectShare(got.filter((v) => v < 0.2).length, got.length, 0.158655, 0.01, "gaussian noise on x = 0.3, stddev 0.1: values below 0.2 (noise below −1 stddev)");
        expectShare(got.filter((v) => v > 0.5).length, got.length, 0.02275, 0.005, "gaussian noise on x = 0.3, stddev 0.1: values above 0.5 (noise above 2 stddevs)");
      }) as never,
    },
  ],
  "autoencoders.sparsityL1": [
    {
      name: "one code of 784 units and 500 codes of 8 units against a brute-force loop, with the gradient",
      kind: "brute force",
      points: 1,
      run: ((l1Sparsity: L1Sparsity) => {
        const one = seededNormal(1, 784, 351);
        expectClose([expectScalar(l1Sparsity(tf.tensor2d(one, [1, 784])), "the L1 penalty")], [bruteL1(one, 1, 784)], "the L1 penalty of one code", 1e-5);
        const many = seededNormal(500, 8, 352, 0.5, 2);
        const gradient = gradientOf(l1Sparsity, tf.tensor2d(many, [500, 8]), "the L1 penalty");
        expectClose([expectScalar(l1Sparsity(tf.tensor2d(many, [500, 8])), "the L1 penalty")], [bruteL1(many, 500, 8)], "the L1 penalty of 500 codes", 1e-5);
        expectTensorClose(gradient, Array.from(many, (v) => Math.sign(v) / 500), [500, 8], "∂penalty/∂h (tf.grad)", 1e-7);
      }) as never,
    },
  ],
  "autoencoders.sparsityKl": [
    {
      name: "64 × 100 sigmoid activations with ρ = 0.1: the value and its gradient against brute force",
      kind: "brute force",
      points: 1,
      run: ((klSparsity: KlSparsity) => {
        const a = Float32Array.from(seededNormal(64, 100, 361, -1, 1.5), (v) => 1 / (1 + Math.exp(-v)));
        const x = tf.tensor2d(a, [64, 100]);
        const value = expectScalar(klSparsity(x, 0.1), "the KL penalty");
        expectTrue(value > 0, `the KL penalty is ${value}, expected a positive value`);
        expectClose([value], [bruteKl(a, 64, 100, 0.1)], "the KL penalty", 1e-4);
        expectTensorClose(gradientOf((input) => klSparsity(input, 0.1), x, "the KL penalty"), klGradient(a, 64, 100, 0.1), [64, 100], "∂penalty/∂activations (tf.grad)", 1e-6);
      }) as never,
    },
  ],
  "autoencoders.nearestNeighbours": [
    {
      name: "30 images of 784 pixels among 400 (5 of them copies of database rows), k = 10, against brute force",
      kind: "brute force",
      points: 1,
      run: ((nearestNeighbours: NearestNeighbours) => {
        const [m, n, d] = [30, 400, 784];
        const database = seededUniform(n, d, 371);
        const queries = seededUniform(m, d, 372);
        [17, 0, 399, 123, 250].forEach((row, i) => queries.set(database.subarray(row * d, (row + 1) * d), i * 6 * d));
        const got = nearestNeighbours(tf.tensor2d(queries, [m, d]), tf.tensor2d(database, [n, d]), 10);
        expectNeighbours(got, queries, database, { m, n, d }, 10, "nearestNeighbours");
        [17, 0, 399, 123, 250].forEach((row, i) => {
          if (got[i * 6][0] !== row) fail(`query ${i * 6} is a copy of database row ${row} but its nearest neighbour is row ${got[i * 6][0]}`);
        });
      }) as never,
    },
  ],
  "autoencoders.classify": [
    {
      name: "equal distances give the label of the lower index; 50 images of 784 pixels against brute force",
      kind: "brute force",
      points: 1,
      run: ((classifyByNearestNeighbour: ClassifyByNearestNeighbour) => {
        // (1, 0): rows 0 and 1 at 1 → 5; (1, 1): all four at √2 → 5; (2, 1): rows 1 and 3 at 1 → 6; (1, 2): rows 2 and 3 → 7.
        const train = [0, 0, 2, 0, 0, 2, 2, 2];
        const test = [1, 0, 1, 1, 2, 1, 1, 2];
        const got = classifyByNearestNeighbour(tf.tensor2d(train, [4, 2]), [5, 6, 7, 8], tf.tensor2d(test, [4, 2]));
        expectNearestLabels(got, Float32Array.from(train), [5, 6, 7, 8], Float32Array.from(test), 2, "classifyByNearestNeighbour", true);
        const [n, m, d] = [100, 50, 784];
        const pixels = seededUniform(n, d, 381);
        const labels = Array.from(seededUniform(1, n, 382, 0, 10), Math.floor);
        const queries = seededUniform(m, d, 383);
        const predicted = classifyByNearestNeighbour(tf.tensor2d(pixels, [n, d]), labels, tf.tensor2d(queries, [m, d]));
        expectNearestLabels(predicted, pixels, labels, queries, d, "classifyByNearestNeighbour");
      }) as never,
    },
  ],
};
