import { type Envelope, ErrorCode } from "@sw4rm/protocol";
import type { DeliveredItem, IncomingOptions, RegistryPort, RouterPort, SendOptions, SendResult } from "@sw4rm/sdk";

interface Row {
  readonly seq: bigint;
  readonly envelope: Envelope;
  acked: boolean;
}

/** In-memory router: per-agent mailboxes, redelivers un-acked rows on every new incoming() call. */
export class FakeRouter implements RouterPort {
  readonly sent: { envelope: Envelope; to: readonly string[] }[] = [];
  readonly #boxes = new Map<string, Row[]>();
  readonly #wake = new Map<string, () => void>();
  #seq = 0n;
  /** When true, AckDelivery "fails" (simulates a crash before acking). */
  failAcks = false;

  async send(envelope: Envelope, options: SendOptions = {}): Promise<SendResult> {
    const to = typeof options.to === "string" ? [options.to] : [...(options.to ?? [])];
    this.sent.push({ envelope, to });
    for (const id of to) {
      this.#seq += 1n;
      this.box(id).push({ seq: this.#seq, envelope, acked: false });
      this.#wake.get(id)?.();
    }
    return { accepted: true, reason: "", errorCode: ErrorCode.ERROR_CODE_UNSPECIFIED };
  }

  box(agentId: string): Row[] {
    let b = this.#boxes.get(agentId);
    if (!b) {
      b = [];
      this.#boxes.set(agentId, b);
    }
    return b;
  }

  unacked(agentId: string): number {
    return this.box(agentId).filter((r) => !r.acked).length;
  }

  async *incoming(agentId: string, options: IncomingOptions = {}): AsyncGenerator<DeliveredItem> {
    const { signal } = options;
    const yielded = new Set<bigint>();
    while (!signal?.aborted) {
      const next = this.box(agentId).find((r) => !r.acked && !yielded.has(r.seq));
      if (next) {
        yielded.add(next.seq);
        yield this.#item(agentId, next);
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#wake.set(agentId, resolve);
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  }

  #item(agentId: string, row: Row): DeliveredItem {
    let settled = false;
    const settle = async () => {
      if (this.failAcks) throw new Error("connection lost before AckDelivery");
      settled = true;
      row.acked = true;
      return true;
    };
    return {
      agentId,
      envelope: row.envelope,
      seq: row.seq,
      ack: settle,
      term: settle,
      get settled() {
        return settled;
      },
    };
  }
}

export class FakeRegistry implements RegistryPort {
  readonly calls: string[] = [];
  readonly registerAgent: RegistryPort["registerAgent"] = async () => {
    this.calls.push("register");
    return { accepted: true, reason: "" };
  };
  readonly heartbeat: RegistryPort["heartbeat"] = async (req) => {
    this.calls.push(`heartbeat:${req.state}`);
    return { ok: true };
  };
  readonly deregisterAgent: RegistryPort["deregisterAgent"] = async () => {
    this.calls.push("deregister");
    return { ok: true };
  };
}

/** Lets pending promise callbacks run (no timers involved). */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
