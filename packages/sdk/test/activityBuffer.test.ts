import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckStage, EnvelopeFactory, ErrorCode, ManualClock, MessageType, Sw4rmError } from "@sw4rm/protocol";
import {
  type ActivityRecord,
  JsonFileStore,
  MemoryStore,
  PersistentActivityBuffer,
  type RecordStore,
  SqliteStore,
} from "@sw4rm/sdk";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const stores: { name: string; make: () => () => RecordStore<ActivityRecord> }[] = [
  {
    name: "memory",
    make: () => {
      const s = new MemoryStore<ActivityRecord>();
      return () => s;
    },
  },
  {
    name: "json",
    make: () => {
      const d = mkdtempSync(join(tmpdir(), "sw4rm-ab-"));
      dirs.push(d);
      return () => new JsonFileStore<ActivityRecord>(join(d, "a.json"));
    },
  },
  {
    name: "sqlite",
    make: () => {
      const d = mkdtempSync(join(tmpdir(), "sw4rm-ab-"));
      dirs.push(d);
      return () => new SqliteStore<ActivityRecord>(join(d, "a.sqlite"), { namespace: "activity" });
    },
  },
];

for (const backend of stores) {
  describe(`PersistentActivityBuffer on ${backend.name}`, () => {
    function setup(opts: { maxItems?: number } = {}) {
      const clock = new ManualClock();
      const open = backend.make();
      const f = new EnvelopeFactory({ producerId: "alice", clock });
      const buf = new PersistentActivityBuffer({ store: open(), clock, ...opts });
      return { clock, open, f, buf };
    }

    it("tracks outgoing records through ACK stages and keeps terminal outcomes (late ACK)", () => {
      const { f, buf } = setup();
      const env = f.create({ messageType: MessageType.DATA, payload: "x" });
      buf.recordOutgoing(env, ["bob"]);
      expect(buf.unacked().map((r) => r.messageId)).toEqual([env.messageId]);
      buf.ack(env.messageId, AckStage.READ);
      expect(buf.ack(env.messageId, AckStage.FULFILLED, ErrorCode.ERROR_CODE_UNSPECIFIED, "ok")?.late).toBe(false);
      expect(buf.unacked()).toEqual([]);
      const late = buf.ack(env.messageId, AckStage.FAILED, ErrorCode.INTERNAL_ERROR);
      expect(late?.late).toBe(true);
      expect(buf.get(env.messageId)?.ackStage).toBe(AckStage.FULFILLED);
    });

    it("reconcile returns non-terminal outgoing records older than the ACK timeout", () => {
      const { clock, f, buf } = setup();
      const a = f.create({ messageType: MessageType.DATA });
      buf.recordOutgoing(a, ["bob"]);
      clock.advance(5_000);
      const b = f.create({ messageType: MessageType.DATA });
      buf.recordOutgoing(b, ["bob"]);
      clock.advance(5_000);
      expect(buf.reconcile().map((r) => r.messageId)).toEqual([a.messageId]);
    });

    it("finds operations by idempotency token within the dedup window and survives reopening", () => {
      const { clock, open, f, buf } = setup();
      const env = f.create({ messageType: MessageType.DATA, idempotencyToken: "alice:op:1" });
      buf.recordIncoming(env);
      buf.ack(env.messageId, AckStage.FULFILLED, ErrorCode.ERROR_CODE_UNSPECIFIED, "done");
      buf.close();
      const again = new PersistentActivityBuffer({ store: open(), clock });
      expect(again.getByIdempotencyToken("alice:op:1")?.note).toBe("done");
      clock.advance(3_600_001);
      expect(again.getByIdempotencyToken("alice:op:1")).toBeUndefined();
      expect(again.size).toBe(0);
      again.close();
    });

    it("prunes terminal records only and fails with activity_buffer_full when all are live", () => {
      const { f, buf } = setup({ maxItems: 2 });
      const a = f.create({ messageType: MessageType.DATA });
      const b = f.create({ messageType: MessageType.DATA });
      buf.recordOutgoing(a);
      buf.recordOutgoing(b);
      buf.ack(a.messageId, AckStage.FULFILLED);
      buf.recordOutgoing(f.create({ messageType: MessageType.DATA }));
      expect(buf.get(a.messageId)).toBeUndefined();
      let err: unknown;
      try {
        buf.recordOutgoing(f.create({ messageType: MessageType.DATA }));
      } catch (e) {
        err = e;
      }
      expect(Sw4rmError.is(err) && err.code === ErrorCode.OVERLOADED && err.reason === "activity_buffer_full").toBe(
        true,
      );
      buf.close();
    });

    it("recent(n) lists newest first", () => {
      const { clock, f, buf } = setup();
      const ids = [1, 2, 3].map(() => {
        clock.advance(1);
        const e = f.create({ messageType: MessageType.DATA });
        buf.recordIncoming(e);
        return e.messageId;
      });
      expect(buf.recent(2).map((r) => r.messageId)).toEqual([ids[2], ids[1]]);
      buf.close();
    });
  });
}
