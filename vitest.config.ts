import path from "node:path";
import { defineConfig } from "vitest/config";

// COURSE_IMPL points the exercise tests at an implementation: `solutions` (default), `exercises`
// (the generated stubs) or a folder of modules extracted from a student's notebook.
const impl = path.resolve(__dirname, process.env.COURSE_IMPL ?? "solutions");

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@course\/lib$/, replacement: path.resolve(__dirname, "lib/src/index.ts") },
      { find: /^@impl\/(.*)$/, replacement: `${impl}/$1` },
    ],
  },
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    setupFiles: ["tests/setup-backend.ts"],
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
    env: { TF_CPP_MIN_LOG_LEVEL: "2" },
  },
});
