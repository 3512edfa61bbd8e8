// Saving and loading layers models as plain files (a JSON topology beside a binary of weights),
// the same on every backend: tfjs-node's file:// handler exists only on the native one.
// Trained weights shipped under datasets/ are loaded this way, with a SHA-256 check on the weights.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
// Registers the course's own layer classes, so that models saved with them load.
import "./batch-norm";
import "./conv";

/** Resolves to the repository's datasets/ from both lib/src/models and lib/dist/models. */
export const DATASETS_DIRECTORY = path.resolve(__dirname, "../../../datasets");

interface SavedModelFile {
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightsFile: string;
  weightsSha256: string;
}

/** Writes `<name>.json` and `<name>.weights.bin` into `directory` (created if missing). */
export async function saveModel(model: tf.LayersModel, directory: string, name: string): Promise<void> {
  fs.mkdirSync(directory, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      const weightsFile = `${name}.weights.bin`;
      fs.writeFileSync(path.join(directory, weightsFile), weights);
      const file: SavedModelFile = {
        modelTopology: artifacts.modelTopology,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightsFile,
        weightsSha256: crypto.createHash("sha256").update(weights).digest("hex"),
      };
      fs.writeFileSync(path.join(directory, `${name}.json`), JSON.stringify(file) + "\n");
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.length } };
    }),
  );
}

/** Loads what saveModel wrote; says which file is missing or damaged and how to get it back. */
export async function loadModel(directory: string, name: string): Promise<tf.LayersModel> {
  const jsonPath = path.join(directory, `${name}.json`);
  const restore = `restore ${path.relative(process.cwd(), directory) || directory} from the course repository, or train it again with its npm run reproduce command`;
  if (!fs.existsSync(jsonPath)) throw new Error(`The saved model ${jsonPath} is missing: ${restore}.`);
  let file: SavedModelFile;
  try {
    file = JSON.parse(fs.readFileSync(jsonPath, "utf8")) as SavedModelFile;
  } catch (error) {
    throw new Error(`The saved model ${jsonPath} is not valid JSON (${(error as Error).message}): ${restore}.`);
  }
  const weightsPath = path.join(directory, file.weightsFile ?? "");
  if (!file.weightsFile || !fs.existsSync(weightsPath)) throw new Error(`The weights of ${jsonPath} (${file.weightsFile}) are missing: ${restore}.`);
  const weights = fs.readFileSync(weightsPath);
  const sha256 = crypto.createHash("sha256").update(weights).digest("hex");
  if (sha256 !== file.weightsSha256) throw new Error(`${weightsPath} is damaged: its SHA-256 is ${sha256}, ${jsonPath} expects ${file.weightsSha256}; ${restore}.`);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: file.modelTopology as object, weightSpecs: file.weightSpecs, weightData }));
}

/** The result.json of a model saved under datasets/<name>/, or a message saying how to restore it. */
function savedResult(name: string): { directory: string; result: Record<string, unknown> } {
  const directory = path.join(DATASETS_DIRECTORY, name);
  const resultPath = path.join(directory, "result.json");
  if (!fs.existsSync(resultPath)) throw new Error(`${resultPath} is missing: restore datasets/${name} from the course repository.`);
  return { directory, result: JSON.parse(fs.readFileSync(resultPath, "utf8")) as Record<string, unknown> };
}

/** An encoder/decoder pair saved by an `npm run reproduce` command under datasets/<name>/, with its result.json. */
export async function loadSavedAutoencoder(name: string): Promise<{ encoder: tf.LayersModel; decoder: tf.LayersModel; result: Record<string, unknown> }> {
  const { directory, result } = savedResult(name);
  return { encoder: await loadModel(directory, "encoder"), decoder: await loadModel(directory, "decoder"), result };
}

/** The generator of a GAN trained by `npm run reproduce -- gan` (datasets/gan/dcgan, cgan or clustered), with its result.json. */
export async function loadSavedGenerator(name: "dcgan" | "cgan" | "clustered"): Promise<{ generator: tf.LayersModel; result: Record<string, unknown> }> {
  const { directory, result } = savedResult(path.join("gan", name));
  return { generator: await loadModel(directory, "generator"), result };
}
