// Batch normalization whose training-mode pass runs as TensorFlow's fused kernels on the tensorflow backend. tfjs's
// layer normalises a training batch with moments and a batch-norm op, and differentiates through both: about 25
// element-wise ops per layer and step, forward and backward. FusedBatchNormV3 (training) and FusedBatchNormGradV3 do
// each direction in one kernel, as PyTorch's native batch norm does. The layer is tfjs's BatchNormalization otherwise:
// the same weights, configuration and inference pass, and the same updates of the moving statistics (the biased batch
// variance, as tfjs's layer uses). Other backends, and shapes the fused kernel does not take, use tfjs's own pass.
import * as tf from "@tensorflow/tfjs";
import { tensorflowKernels, type TensorflowKernels } from "../tensorflow-kernels";

type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type BatchNormalizationLayer = ReturnType<typeof tf.layers.batchNormalization>;

/** tfjs-layers' BatchNormalization class, which @tensorflow/tfjs exports only through its factory. */
const BatchNormalization = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as new (args: BatchNormalizationArgs) => BatchNormalizationLayer;

/** The layer's own fields that the fused pass reads and updates (private in tfjs-layers' typings). */
interface BatchNormalizationFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/**
 * y = γ (x − μ_B) / √(σ²_B + ε) + β over the batch (and the spatial positions of an image batch), through
 * FusedBatchNormV3; the gradient through FusedBatchNormGradV3. Returns y and the batch's mean and biased variance.
 */
function fusedTrainingPass(kernels: TensorflowKernels, x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const common = [kernels.float32("T"), kernels.float32("U"), kernels.number("epsilon", epsilon), kernels.string("data_format", "NHWC"), kernels.bool("is_training", true)];
  const statistics: { mean?: tf.Tensor1D; variance?: tf.Tensor1D } = {};
  const normalize = tf.customGrad((input, scale, offset, save) => {
    const empty = tf.tensor1d([]);
    const [y, mean, unbiasedVariance, ...reserved] = kernels.run("FusedBatchNormV3", [...common, kernels.number("exponential_avg_factor", 1)], [input as tf.Tensor, scale as tf.Tensor, offset as tf.Tensor, empty, empty], 6);
    empty.dispose();
    // The kernel's variance output is Bessel-corrected (for running averages); the layer keeps the biased one.
    const count = x.shape[0] * x.shape[1] * x.shape[2];
    // Kept out of customGrad's scope, which frees whatever the forward pass does not return; the caller frees them.
    statistics.mean = tf.keep(mean) as tf.Tensor1D;
    statistics.variance = tf.keep(unbiasedVariance.mul((count - 1) / count)) as tf.Tensor1D;
    (save as tf.GradSaveFunc)([input as tf.Tensor, scale as tf.Tensor, ...reserved]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [dx, dScale, dOffset, ...unused] = kernels.run("FusedBatchNormGradV3", common, [dy as tf.Tensor, ...saved], 5);
        tf.dispose(unused);
        return [dx, dScale, dOffset];
      },
    };
  });
  const y = normalize(x, gamma, beta) as tf.Tensor4D;
  return { y, mean: statistics.mean!, variance: statistics.variance! };

}

/** tfjs's BatchNormalization, with the training pass fused on the tensorflow backend (see the top of this file). */
export class FusedBatchNormalization extends BatchNormalization {
  static className = "FusedBatchNormalization";

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const layer = this as unknown as BatchNormalizationFields;
    const rank = input.rank;
    const lastAxis = layer.axis === -1 || layer.axis === rank - 1;
    const kernels = kwargs.training === true ? tensorflowKernels() : undefined;
    // One value per channel (a batch of one row) has no Bessel-corrected variance: tfjs's own pass handles it.
    const valuesPerChannel = input.size / input.shape[rank - 1];
    if (!kernels || !lastAxis || (rank !== 2 && rank !== 4) || !layer.center || !layer.scale || input.dtype !== "float32" || valuesPerChannel < 2) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const channels = input.shape[rank - 1];
      const x = (rank === 4 ? input : input.reshape([input.shape[0], 1, 1, channels])) as tf.Tensor4D;
      const { y, mean, variance } = fusedTrainingPass(kernels, x, layer.gamma.read() as tf.Tensor1D, layer.beta.read() as tf.Tensor1D, layer.epsilon);
      // tfjs's update of the moving statistics: moving ← moving − (moving − batch) · (1 − momentum).
      for (const [moving, batch] of [[layer.movingMean, mean], [layer.movingVariance, variance]] as const) {
        const current = moving.read();
        moving.write(current.sub(current.sub(batch).mul(1 - layer.momentum)));
      }
      tf.dispose([mean, variance]);
      return rank === 4 ? y : y.reshape(input.shape);
    });
  }
}
// The static fromConfig is tfjs's (inherited); the base class's type above does not declare it.
tf.serialization.registerClass(FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** A batch-norm layer for the course's models: fused on the tensorflow backend, tfjs's own elsewhere. */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalizationLayer {
  return new FusedBatchNormalization(args);
}
