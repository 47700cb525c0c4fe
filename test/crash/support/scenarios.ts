/**
 * The crash and fault suite's catalogue (issue 6): one entry per scenario, in the order of the issue.
 * The harness (scorecard.ts) tags each test with its entry; the reporter (scripts/crashScorecard.ts)
 * lists every entry, so a scenario that did not run shows up as an error, never as a silent gap.
 */
export interface ScenarioSpec {
  readonly id: number;
  readonly name: string;
  /** The one invariant the scenario measures. */
  readonly invariant: string;
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    id: 1,
    name: "router killed right after accepted=true",
    invariant: "every message answered accepted=true before SIGKILL is delivered after restart",
  },
  {
    id: 2,
    name: "consumer disconnects without acking",
    invariant: "on reconnect (and after a server SIGKILL) the same seq and a byte-identical envelope arrive",
  },
  {
    id: 3,
    name: "activity-buffer writer killed mid-write",
    invariant: "the JSON file reloads and holds exactly the confirmed records (at most the one in-flight write extra)",
  },
  {
    id: 4,
    name: "corrupt store file",
    invariant: "start-up fails naming the file and never starts empty (the file is left untouched)",
  },
  {
    id: 5,
    name: "consumer killed after side effect + completion record, before AckDelivery",
    invariant:
      "redelivery is recognised by idempotency token: effect not repeated, ack recorded, a second late ack refused",
  },
  {
    id: 6,
    name: "soak: 20k messages, router SIGKILLed >= 5 times",
    invariant: "the consumer's effect log holds every sent message exactly once",
  },
  {
    id: 7,
    name: "scheduler killed with queued and running tasks",
    invariant: "after restart no task is lost; the running task is re-dispatched and the queue resumes FIFO",
  },
  {
    id: 8,
    name: "disk full / store unwritable",
    invariant:
      "new messages refused with OVERLOADED/RESOURCE_EXHAUSTED, no crash, queued messages still delivered, accepted ones never lost",
  },
];

export function scenarioSpec(id: number): ScenarioSpec {
  const spec = SCENARIOS.find((s) => s.id === id);
  if (!spec) throw new Error(`no crash scenario ${id} in the catalogue`);
  return spec;
}
