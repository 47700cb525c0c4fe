/**
 * Scenario 3: a process appending to the SDK activity buffer (JsonFileStore) is SIGKILLed at random
 * moments, KILLS times in a row on the same file. After every kill the file is reloaded in this
 * process: it must load, hold every record whose write was confirmed, hold no torn record, and hold at
 * most one unconfirmed record per kill (the write that completed just before the kill, whose id had
 * not been printed yet).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type ActivityRecord, JsonFileStore, PersistentActivityBuffer } from "@sw4rm/sdk";
import { makeTempDir } from "../support/tempDir.js";
import { runFixture } from "./support/fixtures.js";
import { type Card, crashScenario } from "./support/scorecard.js";

const KILLS = 20;

function wellFormed(key: string, r: ActivityRecord): boolean {
  return (
    r.messageId === key &&
    r.direction === "out" &&
    /^run\d+-\d+$/.test(r.dedupKey) &&
    r.correlationId === `${r.dedupKey}-${"p".repeat(1024)}` &&
    r.producerId === "writer" &&
    Array.isArray(r.to) &&
    r.to[0] === "consumer" &&
    typeof r.createdAtMs === "number"
  );
}

crashScenario(3, { timeoutMs: 120_000 }, async (card: Card) => {
  const dir = makeTempDir("sw4rm-crash3-");
  card.defer(() => dir.cleanup());
  const file = join(dir.path, "writer.activity.json");
  const confirmed = new Set<string>();
  let maxExtras = 0;
  let killsWithTempFile = 0;
  let tmpSeen = 0;
  let maxWritesPerRun = 0;
  for (let run = 0; run < KILLS; run++) {
    const writer = runFixture("activityWriter.ts", [file, `run${run}`]);
    card.defer(() => writer.kill9());
    await writer.waitFor((l) => l.startsWith("loaded "));
    await writer.waitFor((l) => l.startsWith("ok "));
    // Random moment: the writer rewrites the whole file on each record, so most of its time is spent inside a write.
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 120));
    const exit = await writer.kill9();
    card.require(exit.signal === "SIGKILL", `run ${run}: writer died of SIGKILL (got ${JSON.stringify(exit)})`);
    const okLines = writer.lines().filter((l) => l.startsWith("ok "));
    maxWritesPerRun = Math.max(maxWritesPerRun, okLines.length);
    for (const l of okLines) confirmed.add(l.slice(3));
    // The store's temp file is named by pid: a new one left behind means the kill landed inside a write.
    const tmpFiles = readdirSync(dir.path).filter((f) => f.endsWith(".tmp")).length;
    if (tmpFiles > tmpSeen) killsWithTempFile++;
    tmpSeen = tmpFiles;

    let records: Map<string, ActivityRecord>;
    try {
      const buffer = new PersistentActivityBuffer({ store: new JsonFileStore<ActivityRecord>(file), maxItems: 1_000_000 });
      buffer.close();
      records = new JsonFileStore<ActivityRecord>(file).load();
    } catch (error) {
      card.check(false, `run ${run}: the file reloads after SIGKILL (${String(error)})`);
      return;
    }
    const missing = [...confirmed].filter((id) => !records.has(id));
    card.check(missing.length === 0, `run ${run}: every confirmed record present (missing ${missing.length})`);
    const torn = [...records].filter(([k, r]) => !wellFormed(k, r));
    card.check(torn.length === 0, `run ${run}: no half-written record (${torn.length} malformed)`);
    const extras = [...records.keys()].filter((id) => !confirmed.has(id)).length;
    // Each kill can leave at most one write that completed but whose id was not printed yet.
    card.check(extras <= run + 1, `run ${run}: at most one unconfirmed record per kill (${extras} after ${run + 1} kills)`);
    maxExtras = extras;
  }
  card.note(
    `${KILLS} kills, ${confirmed.size} confirmed records all present after each reload, ${maxExtras} unconfirmed-but-complete write(s) kept, ` +
      `${killsWithTempFile}/${KILLS} kills landed inside a write (its temp file was left behind; the store never removes those), up to ${maxWritesPerRun} writes per run`,
  );
});
