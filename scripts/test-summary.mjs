#!/usr/bin/env node
// Prints the plain summary line CI reads, "N passed, N failed[, N skipped]", from vitest's JSON report.
import fs from "node:fs";

const file = process.argv[2] ?? "reports/vitest.json";
let report;
try {
  report = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (error) {
  console.log(`no test report at ${file} (${error.code ?? error.message}): the test run did not finish`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
// A test file that fails to load has no tests but must still count as a failure.
const brokenFiles = report.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
