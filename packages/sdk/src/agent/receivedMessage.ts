import { type Envelope, fromUtf8, type MessageType, parseJsonBytes } from "@sw4rm/protocol";

/** What a handler receives: the envelope plus payload decoders. */
export class ReceivedMessage {
  readonly envelope: Envelope;
  /** Aborted when the agent stops (or, for tasks, on preemption). */
  readonly signal: AbortSignal;

  constructor(envelope: Envelope, signal: AbortSignal = new AbortController().signal) {
    this.envelope = envelope;
    this.signal = signal;
  }

  get messageId(): string {
    return this.envelope.messageId;
  }
  get messageType(): MessageType {
    return this.envelope.messageType;
  }
  get producerId(): string {
    return this.envelope.producerId;
  }
  get correlationId(): string {
    return this.envelope.correlationId;
  }
  get payload(): Uint8Array {
    return this.envelope.payload;
  }
  /** The payload as UTF-8 text. */
  text(): string {
    return fromUtf8(this.envelope.payload);
  }
  /** The payload parsed as JSON (the caller asserts the shape). */
  json<T = unknown>(): T {
    return parseJsonBytes(this.envelope.payload) as T;
  }
}
