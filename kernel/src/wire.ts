// The Jupyter wire format (messaging protocol 5.3): identities, delimiter, HMAC signature, four JSON parts.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message<Content = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffer[];
}

export class WireError extends Error {}

/** Signs and checks messages with the connection file's key (HMAC-SHA256; an empty key disables signing). */
export class Signer {
  constructor(private readonly key: string, scheme = "hmac-sha256") {
    if (key && scheme !== "hmac-sha256") throw new WireError(`unsupported signature scheme ${scheme}: only hmac-sha256 is implemented`);
  }

  sign(parts: Buffer[]): string {
    if (!this.key) return "";
    const hmac = createHmac("sha256", this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  verify(signature: string, parts: Buffer[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(parts));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

export function parseMessage(frames: Buffer[], signer: Signer): Message {
  const at = frames.findIndex((frame) => frame.toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new WireError("malformed message: no <IDS|MSG> delimiter or too few parts");
  const signed = frames.slice(at + 2, at + 6);
  if (!signer.verify(frames[at + 1].toString(), signed)) throw new WireError("message with an invalid HMAC signature ignored");
  const [header, parent, metadata, content] = signed.map((part) => JSON.parse(part.toString()) as Record<string, unknown>);
  return {
    identities: frames.slice(0, at),
    header: header as unknown as Header,
    parent_header: parent as Partial<Header>,
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}

export function makeHeader(msgType: string, session: string): Header {
  return { msg_id: randomUUID(), msg_type: msgType, session, username: "kernel", date: new Date().toISOString(), version: PROTOCOL_VERSION };
}

export function serializeMessage(message: Omit<Message<unknown>, "buffers"> & { buffers?: Buffer[] }, signer: Signer): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) => Buffer.from(JSON.stringify(part)));
  return [...message.identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...(message.buffers ?? [])];
}
