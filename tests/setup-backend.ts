// Every test file runs on the backend the library picks (tensorflow here), or COURSE_BACKEND.
import { beforeAll } from "vitest";
import { initBackend } from "../lib/src/backend";

beforeAll(async () => {
  await initBackend();
});
