import * as implementation from "@impl/autoencoders";
import { topicTests } from "./registry";
import { exerciseSuite } from "./exercise-suite";

exerciseSuite("autoencoders", implementation, topicTests.autoencoders.exercises, topicTests.autoencoders.hidden);
