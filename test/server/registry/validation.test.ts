import { CommunicationClass, RegistrationType } from "@sw4rm/protocol";
import { checkDescriptor } from "@sw4rm/server";
import { describe, expect, it } from "vitest";
import { descriptor } from "../../support/agents.js";

describe("checkDescriptor (spec §14)", () => {
  const refusals: [string, Parameters<typeof descriptor>[1] | "missing", RegExp][] = [
    ["missing descriptor", "missing", /^agent: descriptor is required/],
    ["empty agent_id", { agentId: "" }, /^agent_id: is required/],
    ["agent_id with spaces", { agentId: "bad id" }, /^agent_id: "bad id" may contain only/],
    ["over-long agent_id", { agentId: "a".repeat(129) }, /^agent_id: must be at most 128 characters/],
    ["reserved agent_id prefix", { agentId: "sw4rm.registry" }, /^agent_id: the prefix "sw4rm\." is reserved/],
    ["empty name", { name: "  " }, /^name: is required/],
    ["control characters in name", { name: "a\u0007b" }, /^name: must not contain control characters/],
    [
      "description over 200 words",
      { description: "word ".repeat(201) },
      /^description: must be at most 200 words .* got 201/,
    ],
    [
      "unknown communication class",
      { communicationClass: 9 as CommunicationClass },
      /^communication_class: 9 is not a known/,
    ],
    [
      "non-MIME modality",
      { modalitiesSupported: ["application/json", "json"] },
      /^modalities_supported\[1\]: "json" is not a MIME type/,
    ],
    ["empty capability", { capabilities: ["plan", ""] }, /^capabilities\[1\]: must be a non-empty string/],
    ["unknown registration type", { registrationType: 7 as RegistrationType }, /^registration_type: 7 is not a known/],
  ];

  it.each(refusals)("refuses %s with a reason naming the field", (_name, override, reason) => {
    const input = override === "missing" ? undefined : descriptor("agent-1", override);
    const result = checkDescriptor(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("accepts exactly 200 words", () => {
    expect(checkDescriptor(descriptor("a", { description: "word ".repeat(200) })).ok).toBe(true);
  });

  it("applies defaults: UNSPECIFIED class → STANDARD, no modalities → application/json, STANDARD_AGENT", () => {
    const result = checkDescriptor(
      descriptor("a", {
        communicationClass: CommunicationClass.COMM_CLASS_UNSPECIFIED,
        modalitiesSupported: [],
        registrationType: RegistrationType.REGISTRATION_TYPE_UNSPECIFIED,
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      descriptor: {
        communicationClass: CommunicationClass.STANDARD,
        modalitiesSupported: ["application/json"],
        registrationType: RegistrationType.STANDARD_AGENT,
      },
    });
  });

  it("accepts wildcard and parameterised MIME modalities", () => {
    expect(
      checkDescriptor(descriptor("a", { modalitiesSupported: ["text/*", "*/*", "text/plain; charset=utf-8"] })).ok,
    ).toBe(true);
  });
});
