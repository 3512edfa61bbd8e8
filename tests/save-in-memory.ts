// Saves a model to memory and loads it back, as the course's models must survive (saveModel writes the same artifacts
// to disk): the tests of every custom layer and model use it.
import * as tf from "@tensorflow/tfjs";

/** The model's saved artifacts, and the model loaded back from them. */
export async function saveAndLoad(model: tf.LayersModel): Promise<{ artifacts: tf.io.ModelArtifacts; loaded: tf.LayersModel }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => ((artifacts = saved), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
  return { artifacts: artifacts!, loaded: await tf.loadLayersModel(tf.io.fromMemory(artifacts!)) };
}
