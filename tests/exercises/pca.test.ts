import * as implementation from "@impl/pca";
import { topicTests } from "./registry";
import { exerciseSuite } from "./exercise-suite";

exerciseSuite("pca", implementation, topicTests.pca.exercises, topicTests.pca.hidden);
