// The protocol layer: Jupyter messaging 5.3 requests on shell and control, outputs on iopub.
import { randomUUID } from "node:crypto";
import type * as zmq from "zeromq";
import { bindSockets, ConnectionInfo, Outbox, runHeartbeat, Sockets } from "./channels";
import { Engine, Outcome } from "./engine";
import { compileErrorContent, ErrorContent, runtimeErrorContent } from "./errors";
import { History } from "./history";
import { checkCompleteness } from "./completeness";
import { CellRun, cellContext, captureStreams, stopTimersOfInterruptedCells } from "./output";
import { normalizeBundle, resultBundle } from "./results";
import { Header, makeHeader, Message, parseMessage, PROTOCOL_VERSION, serializeMessage, Signer, WireError } from "./wire";

const KERNEL_VERSION = "0.1.0";
const PUBLISH = Symbol.for("course.kernel.publish");
const CLEAR_OUTPUT = Symbol.for("course.kernel.clearOutput");
const ABORT = Symbol.for("course.kernel.abort");
/** `Math.max?` pages the documentation of `Math.max`, as in IPython. */
const PAGER_REQUEST = /^\s*([A-Za-z_$][\w$.]*)\?\s*$/;

type Content = Record<string, unknown>;

export class Kernel {
  private readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly history = new History();
  private executionCount = 0;
  private current: CellRun | undefined;
  private lastParent: Header | undefined;
  private sockets!: Sockets;
  private outboxes!: { shell: Outbox; control: Outbox; iopub: Outbox };
  private readonly log: (text: string) => void;

  constructor(private readonly connection: ConnectionInfo, private readonly engine: Engine) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
    this.log = captureStreams(() => this.current, (cell, name, text) => this.stream(cell, name, text)).log;
    this.installGlobals();
    stopTimersOfInterruptedCells();
  }

  async start(): Promise<void> {
    this.sockets = await bindSockets(this.connection);
    this.outboxes = { shell: new Outbox(this.sockets.shell), control: new Outbox(this.sockets.control), iopub: new Outbox(this.sockets.iopub) };
    void runHeartbeat(this.sockets.heartbeat).catch((error: Error) => this.log(`heartbeat stopped: ${error.message}`));
    void this.serve(this.sockets.control, "control").catch((error: Error) => this.log(`control channel stopped: ${error.message}`));
    this.engine.start();
    this.publish("status", { execution_state: "starting" }, undefined);
    void this.serve(this.sockets.shell, "shell").catch((error: Error) => this.log(`shell channel stopped: ${error.message}`));
  }

  /** SIGINT (Jupyter's default interrupt) or an interrupt_request. */
  interrupt(): void {
    const cell = this.current;
    if (!cell || cell.state !== "running") return;
    cell.state = "interrupted";
    cell.abort.abort(new Error("interrupted by the user"));
    this.engine.interrupt();
  }

  /** Requests on one channel are handled one at a time, in order. */
  private async serve(socket: zmq.Router, channel: "shell" | "control"): Promise<void> {
    for await (const frames of socket) {
      let message: Message;
      try {
        message = parseMessage(frames, this.signer);
      } catch (error) {
        this.log(error instanceof WireError ? error.message : `unreadable message: ${(error as Error).message}`);
        continue;
      }
      try {
        await this.handle(message, channel);
      } catch (error) {
        this.log(`${message.header.msg_type} failed: ${(error as Error).stack ?? error}`);
      }
    }
  }

  private async handle(request: Message, channel: "shell" | "control"): Promise<void> {
    const type = request.header.msg_type;
    const reply = (content: Content) => this.reply(request, channel, type.replace(/_request$/, "_reply"), content);
    this.publish("status", { execution_state: "busy" }, request.header);
    try {
      switch (type) {
        case "kernel_info_request":
          return await reply(this.kernelInfo());
        case "execute_request":
          return await this.execute(request);
        case "complete_request":
          return await reply(this.complete(request.content));
        case "inspect_request":
          return await reply(this.inspect(request.content));
        case "is_complete_request":
          return await reply(checkCompleteness(String(request.content.code ?? "")));
        case "history_request":
          return await reply({ status: "ok", history: this.history.query(request.content, this.session) });
        case "comm_info_request":
          return await reply({ status: "ok", comms: {} });
        case "interrupt_request":
          this.interrupt();
          return await reply({ status: "ok" });
        case "shutdown_request":
          await reply({ status: "ok", restart: Boolean(request.content.restart) });
          return this.shutdown();
        case "comm_open":
        case "comm_msg":
        case "comm_close":
          return; // no comm targets are registered
        default:
          this.log(`ignoring unknown request ${type} on ${channel}`);
      }
    } finally {
      this.publish("status", { execution_state: "idle" }, request.header);
    }
  }

  private kernelInfo(): Content {
    const tsVersion = (require("@tslab/typescript-for-tslab/package.json") as { version: string }).version;
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "course-typescript",
      implementation_version: KERNEL_VERSION,
      language_info: {
        name: "typescript",
        version: tsVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        codemirror_mode: { name: "javascript", typescript: true },
      },
      banner: `TypeScript ${tsVersion} on Node.js ${process.versions.node} (course kernel ${KERNEL_VERSION}, tslab's compiler)`,
      help_links: [],
    };
  }

  private async execute(request: Message): Promise<void> {
    const code = String(request.content.code ?? "");
    const silent = Boolean(request.content.silent);
    const storeHistory = !silent && request.content.store_history !== false;
    if (storeHistory) this.executionCount += 1;
    const count = this.executionCount;
    if (!silent) this.publish("execute_input", { code, execution_count: count }, request.header);

    const pager = PAGER_REQUEST.exec(code);
    if (pager) {
      const text = this.engine.inspect(pager[1], pager[1].length) ?? `no documentation found for ${pager[1]}`;
      if (storeHistory) this.history.add(count, code, undefined);
      await this.reply(request, "shell", "execute_reply", { status: "ok", execution_count: count, payload: [{ source: "page", data: { "text/plain": text }, start: 0 }], user_expressions: {} });
      return;
    }

    const cell = new CellRun(request.header, count);
    this.current = cell;
    this.lastParent = request.header;
    let outcome: Outcome;
    try {
      outcome = await this.engine.execute(code, count, (body) => cellContext.run(cell, body));
    } catch (error) {
      outcome = { kind: "runtime-error", error };
    }
    // breakOnSigint takes a SIGINT that stops synchronous code before our handler sees it.
    if (outcome.kind === "interrupted" && cell.state === "running") this.interrupt();
    if (cell.state === "running") cell.state = "finished";
    this.current = undefined;

    let error: ErrorContent | undefined;
    let resultText: string | undefined;
    if (outcome.kind === "ok" && outcome.hasValue && !silent) {
      try {
        const data = resultBundle(outcome.value);
        resultText = typeof data["text/plain"] === "string" ? data["text/plain"] : undefined;
        this.publish("execute_result", { execution_count: count, data, metadata: {} }, request.header);
      } catch (displayError) {
        error = runtimeErrorContent(displayError, this.engine);
      }
    } else if (outcome.kind === "compile-error") {
      error = compileErrorContent(outcome.diagnostics, code);
    } else if (outcome.kind === "runtime-error") {
      error = runtimeErrorContent(outcome.error, this.engine);
    } else if (outcome.kind === "interrupted") {
      error = { ename: "KeyboardInterrupt", evalue: "the cell was interrupted", traceback: ["KeyboardInterrupt: the cell was interrupted"] };
    }
    if (storeHistory) this.history.add(count, code, resultText);
    if (error) {
      if (!silent) this.publish("error", { ...error }, request.header);
      await this.reply(request, "shell", "execute_reply", { status: "error", execution_count: count, ...error });
      return;
    }
    await this.reply(request, "shell", "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: {} });
  }

  private complete(content: Content): Content {
    const code = String(content.code ?? "");
    const cursor = typeof content.cursor_pos === "number" ? content.cursor_pos : code.length;
    const info = this.engine.complete(code, cursor);
    return { status: "ok", matches: info.candidates, cursor_start: info.start, cursor_end: info.end, metadata: {} };
  }

  private inspect(content: Content): Content {
    const code = String(content.code ?? "");
    const cursor = typeof content.cursor_pos === "number" ? content.cursor_pos : code.length;
    // The cursor usually sits just after the name the student asks about.
    const text = this.engine.inspect(code, Math.max(0, cursor - 1)) ?? this.engine.inspect(code, cursor);
    return { status: "ok", found: text !== undefined, data: text === undefined ? {} : { "text/plain": text }, metadata: {} };
  }

  /** The hooks lib/ looks up: display publishing, clear_output, and the running cell's abort signal. */
  private installGlobals(): void {
    const target = globalThis as Record<symbol, unknown>;
    const owner = () => cellContext.getStore() ?? this.current;
    target[PUBLISH] = (content: { data: Content; metadata?: Content; transient?: Content }, update: boolean) => {
      const cell = owner();
      if (cell?.state === "interrupted") return;
      const message = { data: normalizeBundle(content.data), metadata: content.metadata ?? {}, transient: content.transient ?? {} };
      this.publish(update ? "update_display_data" : "display_data", message, cell?.parent ?? this.lastParent);
    };
    target[CLEAR_OUTPUT] = (wait = false) => {
      const cell = owner();
      if (cell?.state === "interrupted") return;
      this.publish("clear_output", { wait }, cell?.parent ?? this.lastParent);
    };
    Object.defineProperty(globalThis, ABORT, { configurable: true, get: () => owner()?.abort.signal });
  }

  /** Sent at once: a cell that prints and then computes synchronously must show its output as it goes. */
  private stream(cell: CellRun, name: "stdout" | "stderr", text: string): void {
    if (cell.state === "interrupted") return;
    this.send(this.outboxes.iopub, [Buffer.from(name)], "stream", { name, text }, cell.parent);
  }

  private publish(type: string, content: Content, parent: Header | undefined): void {
    this.send(this.outboxes.iopub, [Buffer.from(type)], type, content, parent);
  }

  private reply(request: Message, channel: "shell" | "control", type: string, content: Content): Promise<void> {
    return this.send(this.outboxes[channel], request.identities, type, content, request.header);
  }

  private send(outbox: Outbox, identities: Buffer[], type: string, content: Content, parent: Header | undefined): Promise<void> {
    const header = makeHeader(type, this.session);
    return outbox.send(serializeMessage({ identities, header, parent_header: parent ?? {}, metadata: {}, content }, this.signer));
  }

  private shutdown(): void {
    // Let the reply and the idle status leave before the sockets close.
    setTimeout(() => {
      this.sockets.close();
      process.exit(0);
    }, 50);
  }
}
