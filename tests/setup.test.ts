// What `npm install` leaves behind, and `npm start`.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

describe("npm install", () => {
  it("registers the TypeScript kernel inside .venv, not in the home folder", () => {
    const specFile = path.join(ROOT, ".venv", "share", "jupyter", "kernels", "typescript", "kernel.json");
    const spec = JSON.parse(fs.readFileSync(specFile, "utf8")) as { argv: string[]; display_name: string };
    expect(spec.display_name).toBe("TypeScript");
    expect(fs.existsSync(spec.argv[0]) && fs.existsSync(spec.argv[1])).toBe(true);
    expect(fs.existsSync(path.join(os.homedir(), ".local", "share", "jupyter", "kernels", "typescript"))).toBe(false);
  });

  it("pins the Python tools and the checksum of the TensorFlow wheel", () => {
    const requirements = fs.readFileSync(path.join(ROOT, "requirements.txt"), "utf8");
    for (const tool of ["jupyterlab==", "nbconvert==", "nbclient=="]) expect(requirements).toContain(tool);
    expect(requirements.split("\n").filter((l) => l && !l.startsWith("#")).every((l) => l.includes("=="))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, "requirements-tensorflow.txt"), "utf8")).toMatch(/tensorflow-cpu==2\.21\.0 \\\n\s+--hash=sha256:[0-9a-f]{64}/);
  });
});

describe("npm start", () => {
  it("serves JupyterLab on 127.0.0.1 with a token, offering the TypeScript kernel", async () => {
    const port = String(18_000 + Math.floor(Math.random() * 1000));
    const lab = spawn("npm", ["start", "--silent"], { cwd: ROOT, env: { ...process.env, PORT: port }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let log = "";
        const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${log}`)), 60_000);
        const onData = (chunk: Buffer) => {
          log += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]+/.exec(log);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          }
        };
        lab.stdout.on("data", onData);
        lab.stderr.on("data", onData);
      });
      const token = new URL(url).searchParams.get("token");
      const response = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
      const specs = (await response.json()) as { default: string; kernelspecs: Record<string, { spec: { display_name: string } }> };
      expect(specs.default).toBe("typescript");
      expect(specs.kernelspecs.typescript.spec.display_name).toBe("TypeScript");
    } finally {
      process.kill(-lab.pid!, "SIGTERM"); // the whole group: npm, node scripts/start.mjs and jupyter-lab
    }
  }, 90_000);
});
