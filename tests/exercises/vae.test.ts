import * as implementation from "@impl/vae";
import { topicTests } from "./registry";
import { exerciseSuite } from "./exercise-suite";

exerciseSuite("vae", implementation, topicTests.vae.exercises, topicTests.vae.hidden);
