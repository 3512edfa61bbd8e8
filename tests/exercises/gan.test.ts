import * as implementation from "@impl/gan";
import { topicTests } from "./registry";
import { exerciseSuite } from "./exercise-suite";

exerciseSuite("gan", implementation, topicTests.gan.exercises, topicTests.gan.hidden);
