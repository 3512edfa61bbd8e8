// npm run release            regenerates exercises/ and the notebooks' exercise cells from solutions/,
//                            then writes the student bundle build/student-bundle.zip (no solutions, no hidden tests)
// npm run release -- --check  exits 1 and names the files that are out of sync (the test suite runs this)
import * as fs from "node:fs";
import * as path from "node:path";
import { releaseFiles, ROOT, topics } from "./course/exercises";
import { buildStudentBundle, STUDENT_BUNDLE } from "./grader/student-bundle";

async function main(): Promise<void> {
  const checkOnly = process.argv.includes("--check");
  const stale: string[] = [];
  for (const topic of topics()) {
    for (const { file, content } of releaseFiles(topic)) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
      if (current === content) continue;
      stale.push(path.relative(ROOT, file));
      if (!checkOnly) fs.writeFileSync(file, content);
    }
  }
  if (checkOnly && stale.length) {
    console.log(`out of sync with solutions/: ${stale.join(", ")}. Run \`npm run release\` and commit the result.`);
    process.exit(1);
  }
  console.log(stale.length ? `${checkOnly ? "stale" : "wrote"}: ${stale.join(", ")}` : "exercises/ and notebooks are in sync with solutions/");
  if (checkOnly) return;
  const bundle = await buildStudentBundle(STUDENT_BUNDLE);
  console.log(`student bundle: ${path.relative(ROOT, STUDENT_BUNDLE)} (${bundle.files.length} files; no solutions/, no tests/)`);
  for (const warning of bundle.warnings) console.log(`warning: ${warning}: students can read it there`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
