// Training an encoder/decoder pair on MNIST-like rows: the plain autoencoder (Hinton & Salakhutdinov),
// the denoising one (the input corrupted, the target clean) and the sparse one (a penalty on the code).
// The loss is the cross-entropy from the decoder's logits (or the per-example loss given), averaged over the batch.
import * as tf from "@tensorflow/tfjs";
import { adam } from "./adam";
import { binaryCrossEntropyFromLogits, sumSquaredErrorPerExample } from "../math/losses";
import { learningRateSchedule, minibatches, minimizeStep, passesOver, trainingLoop, type EncoderDecoderTrainingOptions, type StepContext, type TrainingHistory } from "./loop";
import { setLearningRate } from "./schedule";

export interface AutoencoderTrainingOptions extends EncoderDecoderTrainingOptions {
  /** Per-example reconstruction loss from the decoder's logits (default: binaryCrossEntropyFromLogits). */
  loss?: (x: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor1D;
  /** Denoising: the network sees corrupt(x) and is trained to give back x. */
  corrupt?: (x: tf.Tensor2D, step: StepContext) => tf.Tensor2D;
  /** Sparsity: `weight · penalty(code)` is added to the loss. */
  codePenalty?: { weight: number; penalty: (code: tf.Tensor2D) => tf.Scalar };
  /** Rows on which the reconstruction error is measured after every epoch. */
  testImages?: tf.Tensor2D;
  /** Called after each epoch with its test error (when measured), e.g. to save a checkpoint. */
  afterEpoch?: (epoch: number, testError: number | undefined) => void | Promise<void>;
}

export interface AutoencoderTrainingResult {
  history: TrainingHistory;
  /** Per epoch: mean training loss (and penalty), test reconstruction error when testImages was given. */
  perEpoch: { epoch: number; loss: number; penalty?: number; testError?: number; seconds: number; liveTensors: number; learningRate: number }[];
}

/**
 * The error Hinton & Salakhutdinov report: the mean over rows of Σ over pixels of (x − x̂)²,
 * x̂ = σ(decoder(encoder(x))). In batches of 2,000 rows so that 10,000 fit in little memory.
 */
export function reconstructionError(encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D): number {
  let total = 0;
  for (let start = 0; start < x.shape[0]; start += 2000) {
    const size = Math.min(2000, x.shape[0] - start);
    total += tf.tidy(() => {
      const batch = x.slice([start, 0], [size, -1]);
      return sumSquaredErrorPerExample(batch, reconstruct(encoder, decoder, batch)).sum().dataSync()[0];
    });
  }
  return total / x.shape[0];
}

/** σ(decoder(encoder(x))): the decoder outputs logits. */
export function reconstruct(encoder: tf.LayersModel, decoder: tf.LayersModel, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(decoder.apply(encoder.apply(x) as tf.Tensor2D) as tf.Tensor2D) as tf.Tensor2D);
}

export async function trainAutoencoder(options: AutoencoderTrainingOptions): Promise<AutoencoderTrainingResult> {
  const { encoder, decoder, codePenalty } = options;
  const lossPerExample = options.loss ?? binaryCrossEntropyFromLogits;
  const features = options.features ?? 784;
  const batchSize = options.batchSize ?? 256;
  const schedule = learningRateSchedule(options.learningRate);
  const optimizer = adam(schedule(0));
  const data = minibatches(options.images, features, batchSize, options.seed ?? 0);
  const perEpoch: AutoencoderTrainingResult["perEpoch"] = [];
  const testErrors: number[] = [];
  try {
    const history = await trainingLoop({
      ...passesOver(data, batchSize, options),
      step: (context) => {
        if (context.batch === 0) setLearningRate(optimizer, schedule(context.epoch));
        const x = data.batch(context.epoch, context.batch);
        const input = options.corrupt ? options.corrupt(x, context) : x;
        let penaltyValue: tf.Scalar | undefined;
        const loss = minimizeStep(optimizer, () => {
          const code = encoder.apply(input, { training: true }) as tf.Tensor2D;
          const reconstructionLoss = lossPerExample(x, decoder.apply(code, { training: true }) as tf.Tensor2D).mean() as tf.Scalar;
          if (!codePenalty) return reconstructionLoss;
          const penalty = codePenalty.penalty(code);
          penaltyValue = tf.keep(penalty.clone());
          return reconstructionLoss.add(penalty.mul(codePenalty.weight)) as tf.Scalar;
        });
        const metrics: Record<string, number> = { loss };
        if (penaltyValue) {
          metrics.penalty = penaltyValue.dataSync()[0];
          penaltyValue.dispose();
        }
        if (input !== x) input.dispose();
        x.dispose();
        return metrics;
      },
      endOfEpoch: async (epoch) => {
        const metrics: Record<string, number> = {};
        if (options.testImages) {
          metrics["test error"] = reconstructionError(encoder, decoder, options.testImages);
          testErrors[epoch] = metrics["test error"];
        }
        await options.afterEpoch?.(epoch, testErrors[epoch]);
        return metrics;
      },
    });
    for (const record of history.epochs) {
      perEpoch.push({
        epoch: record.epoch,
        loss: record.metrics.loss,
        ...(record.metrics.penalty !== undefined && { penalty: record.metrics.penalty }),
        ...(testErrors[record.epoch - 1] !== undefined && { testError: testErrors[record.epoch - 1] }),
        seconds: record.seconds,
        liveTensors: record.liveTensors,
        learningRate: schedule(record.epoch - 1),
      });
    }
    return { history, perEpoch };
  } finally {
    optimizer.dispose();
  }
}
