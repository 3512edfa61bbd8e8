// The course's data layer: IDX reading, MNIST, seeded randomness, batching and toy data sets.
export { readIdx, type IdxArray } from "./idx";
export { loadMnist, mnistTensors, oneHot, clearMnistCache, type MnistSplit, type MnistSplitName, type MnistOptions } from "./mnist";
export { rng, shuffledIndices, normalSamples, normalGenerator, shuffleInPlace, randomInt, categoryProbabilities, pickCategory, drawCategories, randomSeed, type Seed, type Random } from "./random";
export { batchIndices, gatherRows, subsetByClass, binarize, type BatchOptions } from "./batches";
export {
  correlatedGaussian2d,
  concentricCircles,
  swissRoll,
  gaussianMixture1d,
  mixtureDensity1d,
  gaussianMixture2d,
  ringMeans,
  RING_MODE_STD,
  ringOfGaussians,
  type ToyData,
  type SwissRollData,
  type Mixture1dSpec,
} from "./toy";
export { maskingNoise, gaussianNoise, gaussianBlur } from "./noise";
