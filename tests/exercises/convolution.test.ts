import * as implementation from "@impl/convolution";
import { topicTests } from "./registry";
import { exerciseSuite } from "./exercise-suite";

exerciseSuite("convolution", implementation, topicTests.convolution.exercises, topicTests.convolution.hidden);
