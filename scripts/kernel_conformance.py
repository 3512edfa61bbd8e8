"""jupyter_kernel_test against the course's TypeScript kernel, every sample configured.

Run with the project's Python and JUPYTER_PATH=.venv/share/jupyter (tests/kernel-conformance.test.ts does),
from notebooks/ so that cells import "@course/lib" as notebooks do:
    .venv/bin/python -m unittest scripts/kernel_conformance.py
"""
import unittest

import jupyter_kernel_test


class CourseTypeScriptKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "typescript"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'
    code_page_something = "Math.max?"
    code_generate_error = 'throw new Error("planned failure")'
    code_execute_result = [
        {"code": "1 + 2 + 3", "result": "6"},
        {"code": '"ab".repeat(2)', "result": "'abab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]
    code_display_data = [
        {"code": 'import { display } from "@course/lib";\ndisplay({ "text/html": "<b>bold</b>" })', "mime": "text/html"},
        {"code": 'import { display } from "@course/lib";\ndisplay("plain")', "mime": "text/plain"},
        {"code": 'import * as tslab from "tslab";\ntslab.display.markdown("*tslab*")', "mime": "text/markdown"},
    ]
    code_clear_output = 'import { clearOutput } from "@course/lib";\nconsole.log("soon gone");\nclearOutput()'
    code_history_pattern = "1 + 2*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const abcdef = 1; abcd", "matches": {"abcdef"}},
    ]
    complete_code_samples = ["1 + 1", "const x: number = 3;", "for (let i = 0; i < 3; i++) {}"]
    incomplete_code_samples = ["for (let i = 0; i < 3; i++) {", "const s = `open", "f(1,"]
    invalid_code_samples = ["1 +* 2", "a b c", "for (;;) {}}"]


    # Beyond jupyter_kernel_test: what the course needs from the protocol layer.

    def test_kernel_info_reports_the_engine_typescript(self):
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["protocol_version"], "5.3")
        self.assertEqual(reply["content"]["language_info"]["version"], "5.0.4")

    def test_cell_sent_right_after_an_error_runs(self):
        self.flush_channels()
        failing = self.kc.execute('throw new TypeError("first")')
        following = self.kc.execute("40 + 2")
        replies = {}
        for _ in range(2):
            reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply["content"]
        self.assertEqual(replies[failing]["status"], "error")
        self.assertEqual(replies[following]["status"], "ok")

    def test_runtime_error_names_the_cells_typescript_lines(self):
        self.flush_channels()
        code = 'function explode(size: number): never {\n  throw new RangeError(`too big: ${size}`);\n}\nconst size: number = 3;\nexplode(size);'
        reply, outputs = self.execute_helper(code)
        content = reply["content"]
        self.assertEqual((content["ename"], content["evalue"]), ("RangeError", "too big: 3"))
        traceback = "\n".join(content["traceback"])
        self.assertIn("cell line 2, column", traceback)
        self.assertIn("in explode", traceback)
        self.assertIn("cell line 5, column", traceback)
        for internal in ("__cell_", "evalmachine", "tslab", "kernel/dist", "node:internal"):
            self.assertNotIn(internal, traceback)
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])

    def test_compile_error_carries_the_ts_code_and_position(self):
        self.flush_channels()
        reply, outputs = self.execute_helper('const ok = 1;\nconst n: number = "text";')
        content = reply["content"]
        self.assertEqual(content["ename"], "TS2322")
        self.assertIn("cell line 2, column 7", content["evalue"])
        self.assertIn('const n: number = "text";', content["traceback"][0])
        self.assertEqual(outputs[0]["content"]["ename"], "TS2322")

    def test_tensor_result_shows_its_values(self):
        self.flush_channels()
        reply, outputs = self.execute_helper('import { tf } from "@course/lib";\ntf.tensor2d([[1, 2], [3, 4.5]])')
        self.assertEqual(reply["content"]["status"], "ok")
        [result] = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"]
        self.assertTrue(result["text/plain"].startswith("Tensor float32 [2, 2]\n"), result["text/plain"])
        self.assertIn("[[1, 2  ],", result["text/plain"])
        self.assertIn("<td>4.5</td>", result["text/html"])


if __name__ == "__main__":
    unittest.main()
