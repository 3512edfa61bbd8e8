// The five ZeroMQ sockets of a Jupyter kernel, bound from a connection file.
import fs from "node:fs";
import * as zmq from "zeromq";

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export function readConnectionFile(file: string): ConnectionInfo {
  let info: Partial<ConnectionInfo>;
  try {
    info = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ConnectionInfo>;
  } catch (error) {
    throw new Error(`cannot read the connection file ${file}: ${(error as Error).message}`);
  }
  for (const field of ["transport", "ip", "shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const) {
    if (info[field] === undefined) throw new Error(`the connection file ${file} has no "${field}"`);
  }
  return { key: "", signature_scheme: "hmac-sha256", ...info } as ConnectionInfo;
}

/**
 * Router and Publisher sockets never block: send() queues the message at once, in the calling tick, so
 * output printed by a cell that then runs synchronously for minutes still leaves immediately.
 */
export class Outbox {
  constructor(private readonly socket: zmq.Writable) {}

  send(frames: Buffer[]): Promise<void> {
    return this.socket.send(frames).catch((error: Error) => {
      process.stderr.write(`[kernel] send failed: ${error.message}\n`);
    });
  }
}

export interface Sockets {
  shell: zmq.Router;
  control: zmq.Router;
  stdin: zmq.Router;
  iopub: zmq.Publisher;
  heartbeat: zmq.Reply;
  close(): void;
}

export async function bindSockets(info: ConnectionInfo): Promise<Sockets> {
  const address = (port: number) => (info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `${info.transport}://${info.ip}:${port}`);
  const sockets = { shell: new zmq.Router(), control: new zmq.Router(), stdin: new zmq.Router(), iopub: new zmq.Publisher(), heartbeat: new zmq.Reply() };
  await Promise.all([
    sockets.shell.bind(address(info.shell_port)),
    sockets.control.bind(address(info.control_port)),
    sockets.stdin.bind(address(info.stdin_port)),
    sockets.iopub.bind(address(info.iopub_port)),
    sockets.heartbeat.bind(address(info.hb_port)),
  ]);
  return { ...sockets, close: () => Object.values(sockets).forEach((socket) => socket.close()) };
}

/** The heartbeat echoes every ping. */
export async function runHeartbeat(socket: zmq.Reply): Promise<void> {
  for await (const frames of socket) await socket.send(frames);
}
