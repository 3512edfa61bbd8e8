#!/usr/bin/env node
// The course's TypeScript kernel: `node kernel/dist/main.js <connection_file>` (Jupyter passes it).
import { readConnectionFile } from "./channels";
import { Engine } from "./engine";
import { Kernel } from "./kernel";

async function main(): Promise<void> {
  const connectionFile = process.argv[2];
  if (!connectionFile) {
    process.stderr.write("usage: node kernel/dist/main.js <connection_file>\n");
    process.exit(2);
  }
  const kernel = new Kernel(readConnectionFile(connectionFile), new Engine(process.cwd()));
  // A SIGINT while a cell runs synchronously is handled by breakOnSigint; otherwise here.
  process.on("SIGINT", () => kernel.interrupt());
  process.on("unhandledRejection", (reason) => console.error("Unhandled promise rejection:", reason));
  process.on("uncaughtException", (error) => console.error("Uncaught exception:", error));
  await kernel.start();
}

main().catch((error: Error) => {
  process.stderr.write(`[kernel] could not start: ${error.message}\n`);
  process.exit(1);
});
