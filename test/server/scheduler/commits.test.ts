/**
 * The scheduler over an async store: answers and CONTROL envelopes only after the commit, one step at
 * a time (a second ACK never overtakes the first between its decision and its commit), and a failed
 * commit leaves nothing behind.
 */
import { status } from "@grpc/grpc-js";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { GatedSchedulerStore } from "./gatedStore.js";
import { AckStage, type Harness, startHarness } from "./harness.js";

let h: Harness;
let gate: GatedSchedulerStore;
afterEach(async () => {
  await gate.release();
  await h.close();
});

async function start(): Promise<void> {
  h = await startHarness({}, { wrapStore: (store) => (gate = new GatedSchedulerStore(store)) });
  h.directory.set("agent-a");
}

/** Lets every continuation that is ready run (without a clock: nothing here waits for time). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("scheduler commits", () => {
  it("answers SubmitTask and sends RUN only once the task is committed", async () => {
    await start();
    gate.hold();
    let answered = false;
    const submitted = h.submit({ taskId: "t1" }).then((r) => ((answered = true), r));
    await gate.arrival();
    await flush();
    expect(answered).toBe(false);
    expect(h.ingress.sent).toEqual([]);
    expect(await h.scheduler.admin.task("t1")).toBeUndefined();
    await gate.release();
    expect(await submitted).toEqual({ accepted: true, reason: "" });
    expect(h.ingress.runs()).toEqual(["t1"]);
    expect((await h.scheduler.admin.task("t1"))?.status).toBe("DISPATCHED");
  });

  it("applies an ACK that arrives while the previous one is being committed after it (no lost update)", async () => {
    await start();
    await h.submit({ taskId: "t1" });
    const [run] = h.ingress.of("RUN");
    if (!run) throw new Error("no RUN sent");
    gate.hold();
    const read = h.ack(run, AckStage.READ);
    await gate.arrival();
    const fulfilled = h.ack(run, AckStage.FULFILLED);
    await flush();
    // The FULFILLED step waits for the READ step: only one commit is ever in flight.
    expect(gate.waiting).toBe(1);
    // Held commits complete newest first, as an out-of-order remote store might.
    await gate.release();
    await Promise.all([read, fulfilled]);
    expect(await h.scheduler.admin.task("t1")).toMatchObject({ status: "DONE" });
    await h.restart();
    expect(await h.scheduler.admin.task("t1")).toMatchObject({ status: "DONE" });
    expect(h.ingress.runs()).toEqual(["t1"]);
  });

  it("answers RESOURCE_EXHAUSTED naming the store when a commit fails, and keeps nothing of the call", async () => {
    await start();
    gate.failNextCommit(new Database.SqliteError("database or disk is full", "SQLITE_FULL"));
    const failed = h.submit({ taskId: "t1" });
    await expect(failed).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(
        new RegExp(
          "^SubmitTask failed, nothing was stored: the scheduler store \\(SQLite, .*scheduler\\.db\\) " +
            "cannot be written, the disk is full",
        ),
      ),
    });
    expect(h.ingress.sent).toEqual([]);
    expect(await h.scheduler.admin.task("t1")).toBeUndefined();
    // The refused task left nothing in memory either: the same id is accepted and dispatched once.
    expect(await h.submit({ taskId: "t1" })).toEqual({ accepted: true, reason: "" });
    expect(h.ingress.runs()).toEqual(["t1"]);
  });
});
