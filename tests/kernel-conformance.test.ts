// jupyter_kernel_test 0.7.0 against the registered "typescript" kernel: every sample configured, none skipped.
import * as path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { ROOT } from "../scripts/course/exercises";
import { ensureKernelBuilt, runPython } from "./kernel-helpers";

beforeAll(() => ensureKernelBuilt(), 120_000);

it("passes jupyter_kernel_test with every test run and none skipped", () => {
  const run = runPython([path.join(ROOT, "scripts", "kernel_conformance.py"), "-v"]);
  const report = run.stderr; // unittest reports on stderr
  expect(report, report).toMatch(/\nRan 17 tests in /);
  expect(report, report).toMatch(/\nOK\s*$/);
  expect(report).not.toMatch(/skip/i);
  for (const name of ["kernel_info", "execute_stdout", "execute_stderr", "execute_result", "display_data", "clear_output", "error", "completion", "is_complete", "inspect", "history", "pager",
    "kernel_info_reports_the_engine_typescript", "cell_sent_right_after_an_error_runs", "runtime_error_names_the_cells_typescript_lines",
    "compile_error_carries_the_ts_code_and_position", "tensor_result_shows_its_values"]) {
    expect(report).toMatch(new RegExp(`test_${name} \\(.*\\) \\.\\.\\. ok`));
  }
  expect(run.status).toBe(0);
}, 120_000);
