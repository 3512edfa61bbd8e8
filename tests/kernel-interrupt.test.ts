// Interrupting the kernel (SIGINT, the kernelspec's interrupt_mode) during a training loop that checks
// throwIfInterrupted(), one that does not, and a synchronous loop (scripts/kernel_interrupt_check.py).
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../scripts/course/exercises";
import { ensureKernelBuilt, runPython } from "./kernel-helpers";

interface Scenario {
  interrupted_reply: { status: string; ename: string };
  interrupt_to_reply_seconds: number;
  next_cell_status: string;
  next_cell_seconds: number;
  next_cell_stdout: string;
  next_cell_result: string | null;
  loop_output_after_interrupt_reply: string;
  any_stream_after_next_cell: string;
  two_seconds_later: { status: string; stdout: string };
}

let report: Record<"training" | "unchecked" | "synchronous", Scenario>;

beforeAll(() => {
  ensureKernelBuilt();
  const run = runPython([path.join(ROOT, "scripts", "kernel_interrupt_check.py")]);
  if (run.status !== 0) throw new Error(`kernel_interrupt_check.py failed:\n${run.stderr.slice(-3000)}`);
  report = JSON.parse(run.stdout) as typeof report;
}, 120_000);

function expectStoppedCleanly(scenario: Scenario): void {
  expect(scenario.interrupted_reply).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
  expect(scenario.interrupt_to_reply_seconds).toBeLessThan(2);
  expect(scenario.next_cell_status).toBe("ok");
  expect(scenario.next_cell_seconds).toBeLessThan(3); // runs at once, not after the loop
  expect(scenario.loop_output_after_interrupt_reply).toBe("");
  expect(scenario.any_stream_after_next_cell).toBe("");
}

describe("interrupt", () => {
  it("stops a training loop that checks throwIfInterrupted, keeping the weights trained so far", () => {
    const scenario = report.training;
    expectStoppedCleanly(scenario);
    const match = /after training: steps=(\d+) w=([\d.]+)/.exec(scenario.next_cell_stdout);
    expect(match, scenario.next_cell_stdout).not.toBeNull();
    const [steps, weight] = [Number(match![1]), Number(match![2])];
    expect(steps).toBeGreaterThanOrEqual(200);
    expect(steps).toBeLessThan(20000);
    expect(weight).toBeGreaterThan(0.5); // trained towards 3, not reset
    // No step after the interrupt, and the loop ended through its check (its finally block ran).
    expect(scenario.two_seconds_later.stdout).toBe(`${scenario.next_cell_stdout}cleaned up: true\n`);
  });

  it("stops an async loop without the check at its next yield, and keeps its output out of later cells", () => {
    const scenario = report.unchecked;
    expectStoppedCleanly(scenario);
    const steps = (stdout: string) => Number(/after training: steps=(\d+)/.exec(stdout)?.[1]);
    expect(steps(scenario.next_cell_stdout)).toBeGreaterThanOrEqual(200);
    // The timer it was waiting on when interrupted still fires: at most one more yield interval (50 steps),
    // silently; then its next setImmediate is dropped. Unstopped, it would be thousands of steps further.
    expect(steps(scenario.two_seconds_later.stdout) - steps(scenario.next_cell_stdout)).toBeLessThanOrEqual(50);
  });

  it("stops a synchronous loop and keeps the variables the cell declared", () => {
    const scenario = report.synchronous;
    expectStoppedCleanly(scenario);
    expect(scenario.next_cell_result).toBe("true");
    expect(scenario.two_seconds_later).toMatchObject({ status: "ok", stdout: expect.stringMatching(/^spins=\d+\n$/) });
  });
});
