// Every test file runs on the backend the library picks (tensorflow here), or COURSE_BACKEND.
import { initBackend } from "../lib/src/backend";

await initBackend();
