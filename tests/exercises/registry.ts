// Every topic's exercises with their hidden cases: the pattern test checks that this covers
// every exercise in solutions/, so none goes untested.
import { CheckCase, Exercise } from "../../lib/src/checks";
import { pcaExercises } from "../../lib/src/checks/pca";
import { hiddenCases as pcaHidden } from "../hidden/pca";
import { convolutionExercises } from "../../lib/src/checks/convolution";
import { hiddenCases as convolutionHidden } from "../hidden/convolution";
import { autoencodersExercises } from "../../lib/src/checks/autoencoders";
import { hiddenCases as autoencodersHidden } from "../hidden/autoencoders";
import { vaeExercises } from "../../lib/src/checks/vae";
import { hiddenCases as vaeHidden } from "../hidden/vae";
import { ganExercises } from "../../lib/src/checks/gan";
import { hiddenCases as ganHidden } from "../hidden/gan";

export interface TopicTests {
  exercises: readonly Exercise<never>[];
  hidden: Record<string, CheckCase<never>[]>;
}

export const topicTests: Record<string, TopicTests> = {
  pca: { exercises: pcaExercises as unknown as Exercise<never>[], hidden: pcaHidden },
  convolution: { exercises: convolutionExercises as unknown as Exercise<never>[], hidden: convolutionHidden },
  autoencoders: { exercises: autoencodersExercises as unknown as Exercise<never>[], hidden: autoencodersHidden },
  vae: { exercises: vaeExercises as unknown as Exercise<never>[], hidden: vaeHidden },
  gan: { exercises: ganExercises as unknown as Exercise<never>[], hidden: ganHidden },
};
