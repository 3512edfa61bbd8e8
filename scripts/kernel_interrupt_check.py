"""Interrupts the course kernel during a training loop and during a synchronous loop; prints a JSON report.

Usage (JUPYTER_PATH=.venv/share/jupyter, run from notebooks/): .venv/bin/python scripts/kernel_interrupt_check.py
Each scenario: start the loop, wait until it has printed progress, send the kernel's interrupt (SIGINT,
the kernelspec's interrupt_mode), then run the next cell at once and keep listening for 2 s for any
output of the interrupted loop. tests/kernel-interrupt.test.ts asserts on the report.
"""
import json
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel

IMPORTS = 'import { tf, throwIfInterrupted } from "@course/lib";'

# A few thousand Adam steps on a one-weight model (deterministic: no random initialisation);
# progress every 50 steps, yielding to the event loop.
TRAINING_LOOP = """
const w = tf.variable(tf.scalar(0));
const optimizer = tf.train.adam(0.01);
let steps = 0;
let cleanedUp = false;
try {
  for (let step = 1; step <= 20000; step++) {
    throwIfInterrupted();
    optimizer.minimize(() => tf.square(tf.sub(w, 3)).asScalar());
    steps = step;
    if (step % 50 === 0) {
      console.log(`training step ${step}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
} finally {
  cleanedUp = true;
}
"""
AFTER_TRAINING = 'console.log(`after training: steps=${steps} w=${w.dataSync()[0].toFixed(4)}`)'

# The same loop without the check: it yields through setImmediate, which an interrupted cell loses.
UNCHECKED_LOOP = (
    TRAINING_LOOP.replace("throwIfInterrupted();", "").replace("const w =", "const w2 =").replace("(w,", "(w2,")
    .replace("steps", "steps2").replace("cleanedUp", "cleanedUp2")
)
CLEANUP = 'console.log(`cleaned up: ${cleanedUp}`)'
AFTER_UNCHECKED = 'console.log(`after training: steps=${steps2}`)'

# It announces itself from inside the loop: an interrupt that arrived while console.log was still
# running would otherwise find spins at 0 (seen on a busy CI machine).
SYNC_LOOP = """
let spins = 0;
while (true) {
  spins++;
  if (spins === 1000) console.log("spinning");
}
"""
AFTER_SYNC = "spins >= 1000"


def iopub_messages(kc, seconds, poll=0.2):
    """Every iopub message that arrives within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            yield kc.get_iopub_msg(timeout=poll)
        except queue.Empty:
            pass


def collect(kc, msg_id, until_idle=True, timeout=60.0):
    """iopub messages of one request, until it is idle."""
    messages = []
    for msg in iopub_messages(kc, timeout):
        messages.append(msg)
        if until_idle and msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return messages


def drain(kc, seconds):
    return list(iopub_messages(kc, seconds, poll=0.1))


def texts(messages, parent=None):
    return "".join(
        m["content"].get("text", "") for m in messages
        if m["msg_type"] == "stream" and (parent is None or m["parent_header"].get("msg_id") == parent)
    )


def wait_for_output(kc, msg_id, needle, timeout=60.0):
    seen = []
    for msg in iopub_messages(kc, timeout):
        seen.append(msg)
        if msg["msg_type"] == "error" and msg["parent_header"].get("msg_id") == msg_id:
            raise RuntimeError(f"the loop failed instead of running: {msg['content']}")
        if needle in texts(seen, msg_id):
            return seen
    raise TimeoutError(f"no {needle!r} from the loop within {timeout} s: {texts(seen)!r}")


def scenario(km, kc, loop, marker, after, again):
    outputs = []
    loop_id = kc.execute(loop)
    wait_for_output(kc, loop_id, marker)
    interrupted_at = time.monotonic()
    km.interrupt_kernel()
    loop_reply = kc.get_shell_msg(timeout=30)
    reply_seconds = time.monotonic() - interrupted_at
    collect(kc, loop_id)
    sent = time.monotonic()
    after_id = kc.execute(after)
    after_reply = kc.get_shell_msg(timeout=30)
    after_seconds = time.monotonic() - sent
    after_messages = collect(kc, after_id)
    later = drain(kc, 2.0)
    again_result = kc.execute_interactive(again, timeout=30, output_hook=lambda msg: outputs.append(msg))["content"]["status"]
    return {
        "interrupted_reply": {k: loop_reply["content"].get(k) for k in ("status", "ename", "evalue")},
        "interrupt_to_reply_seconds": round(reply_seconds, 3),
        "next_cell_status": after_reply["content"]["status"],
        "next_cell_seconds": round(after_seconds, 3),
        "next_cell_stdout": texts(after_messages, after_id),
        "next_cell_result": next((m["content"]["data"]["text/plain"] for m in after_messages if m["msg_type"] == "execute_result"), None),
        "loop_output_after_interrupt_reply": texts(after_messages, loop_id) + texts(later, loop_id),
        "any_stream_after_next_cell": texts(later),
        "two_seconds_later": {"status": again_result, "stdout": texts(outputs)},
    }


def main():
    km, kc = start_new_kernel(kernel_name="typescript", startup_timeout=60)
    try:
        kc.execute_interactive(IMPORTS, timeout=60)
        report = {
            "training": scenario(km, kc, TRAINING_LOOP, "training step 200", AFTER_TRAINING, AFTER_TRAINING + ";\n" + CLEANUP),
            "unchecked": scenario(km, kc, UNCHECKED_LOOP, "training step 200", AFTER_UNCHECKED, AFTER_UNCHECKED),
            "synchronous": scenario(km, kc, SYNC_LOOP, "spinning", AFTER_SYNC, 'console.log(`spins=${spins}`)'),
        }
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
