/** The router's Prometheus metrics on the admin /metrics endpoint move with real traffic. */
import { startTestStack, type TestStack } from "@sw4rm/testing";
import { EnvelopeFactory, MessageType } from "@sw4rm/protocol";
import { RouterClient } from "@sw4rm/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { registerAgents } from "../../support/agents.js";

let server: TestStack;
beforeAll(async () => {
  server = await startTestStack();
  await registerAgents(server.registryAddr, "m-producer", "m-consumer");
});
afterAll(() => server?.cleanup());

const metric = (text: string, name: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
};

it("counts commits, admissions, acks, queue depth and refusals", async () => {
  const client = new RouterClient({ address: server.routerAddr });
  try {
    const scrape = async () => (await fetch(`${server.adminUrl}/metrics`)).text();
    const before = metric(await scrape(), "sw4rm_router_admitted_total") ?? 0; // registry join notifications
    const f = new EnvelopeFactory({ producerId: "m-producer", clock: server.clock });
    for (let i = 0; i < 3; i++)
      expect((await client.send(f.json(MessageType.DATA, { i }), { to: "m-consumer" })).accepted).toBe(true);
    expect((await client.send(f.json(MessageType.DATA, { i: 9 }), { to: "nobody" })).accepted).toBe(false);
    let text = await scrape();
    // 3 messages + the REJECTED ACK (NACK) queued for the producer of the refused one.
    expect(metric(text, "sw4rm_router_admitted_total")).toBe(before + 4);
    expect(metric(text, "sw4rm_router_commit_transactions_total")).toBeGreaterThanOrEqual(1);
    expect(text).toContain('sw4rm_router_inbound_queue_depth{agent_id="m-consumer"} 3');
    expect(text).toContain('sw4rm_router_enqueue_rejects_total{reason="no_route"} 1');
    const ac = new AbortController();
    let acked = 0;
    for await (const item of client.incoming("m-consumer", { signal: ac.signal })) {
      if (await item.ack()) acked++;
      if (acked === 3) ac.abort();
    }
    text = await scrape();
    expect(metric(text, "sw4rm_router_acks_committed_total")).toBe(3);
    expect(text).not.toContain('sw4rm_router_inbound_queue_depth{agent_id="m-consumer"} 3');
  } finally {
    client.close();
  }
});
