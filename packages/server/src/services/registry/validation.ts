/**
 * RegisterAgent descriptor and Heartbeat validation (spec §14, doc §2.2, §3.3). Returns the normalised
 * descriptor (defaults applied) or the first problem as "field: what is wrong; what to send". Sizes are
 * bounded so one request cannot make every later registry write (and announcement) huge.
 */
import { type AgentDescriptor, AgentState, CONTENT_TYPES, CommunicationClass, RegistrationType } from "@sw4rm/protocol";

export const MAX_AGENT_ID_LENGTH = 128;
export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_WORDS = 200;
/** 200 words of ordinary text fit easily; a single 16 MiB "word" does not. */
export const MAX_DESCRIPTION_LENGTH = 8192;
/** capabilities, modalities_supported and reasoning_connectors: entries per list and characters per entry. */
export const MAX_LIST_ENTRIES = 256;
export const MAX_LIST_ENTRY_LENGTH = 1024;
export const MAX_PUBLIC_KEY_BYTES = 16 * 1024;
/** Heartbeat health map: entries, and characters of keys plus values. */
export const MAX_HEALTH_ENTRIES = 256;
export const MAX_HEALTH_CHARS = 64 * 1024;
/** Producer ids starting with this prefix are the server's own (registry notifications, NACKs). */
export const RESERVED_AGENT_ID_PREFIX = "sw4rm.";

export type DescriptorCheck =
  | { readonly ok: true; readonly descriptor: AgentDescriptor }
  | { readonly ok: false; readonly reason: string };

const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
// eslint-disable-next-line no-control-regex -- control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;
/** type/subtype with optional parameters; `*` wildcards allowed (spec §12 modality matching). */
const MIME = /^(?:[a-z0-9!#$&^_.+-]+|\*)\/(?:[a-z0-9!#$&^_.+-]+|\*)(\s*;.*)?$/i;

function fail(reason: string): DescriptorCheck {
  return { ok: false, reason };
}

export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

function checkAgentId(id: string): string | undefined {
  if (id.trim() === "") return 'agent_id: is required (a stable, unique id such as "planner-1")';
  if (id.length > MAX_AGENT_ID_LENGTH)
    return `agent_id: must be at most ${MAX_AGENT_ID_LENGTH} characters, got ${id.length}`;
  if (!AGENT_ID.test(id))
    return `agent_id: "${id}" may contain only letters, digits and . _ : @ - and must start with a letter or digit`;
  if (id.startsWith(RESERVED_AGENT_ID_PREFIX))
    return `agent_id: the prefix "${RESERVED_AGENT_ID_PREFIX}" is reserved for the server's own messages`;
  return undefined;
}

function checkName(name: string): string | undefined {
  if (name.trim() === "") return "name: is required (a human-readable agent name)";
  if (name.length > MAX_NAME_LENGTH) return `name: must be at most ${MAX_NAME_LENGTH} characters, got ${name.length}`;
  if (CONTROL.test(name)) return "name: must not contain control characters";
  return undefined;
}

function checkListSize(field: string, values: readonly string[]): string | undefined {
  if (values.length > MAX_LIST_ENTRIES) return `${field}: at most ${MAX_LIST_ENTRIES} entries, got ${values.length}`;
  const index = values.findIndex((v) => v.length > MAX_LIST_ENTRY_LENGTH);
  if (index >= 0) return `${field}[${index}]: must be at most ${MAX_LIST_ENTRY_LENGTH} characters`;
  return undefined;
}

function checkList(field: string, values: readonly string[]): string | undefined {
  const size = checkListSize(field, values);
  if (size) return size;
  const index = values.findIndex((v) => v.trim() === "" || CONTROL.test(v));
  if (index >= 0) return `${field}[${index}]: must be a non-empty string without control characters`;
  return undefined;
}

function normaliseClass(value: CommunicationClass): CommunicationClass | string {
  if (value === CommunicationClass.COMM_CLASS_UNSPECIFIED) return CommunicationClass.STANDARD; // doc §3.3 default
  if (CommunicationClass[value] === undefined)
    return `communication_class: ${value} is not a known CommunicationClass (PRIVILEGED=1, STANDARD=2, BULK=3)`;
  return value;
}

function normaliseModalities(values: readonly string[]): string[] | string {
  if (values.length === 0) return [CONTENT_TYPES.json]; // doc §3.3 default
  const size = checkListSize("modalities_supported", values);
  if (size) return size;
  for (const [i, m] of values.entries()) {
    if (!MIME.test(m.trim()))
      return `modalities_supported[${i}]: "${m}" is not a MIME type (e.g. "application/json", "text/*")`;
  }
  return values.map((m) => m.trim());
}

/** Validates and normalises a RegisterAgent descriptor. */
export function checkDescriptor(descriptor: AgentDescriptor | undefined): DescriptorCheck {
  if (!descriptor) return fail("agent: descriptor is required");
  const simple =
    checkAgentId(descriptor.agentId) ??
    checkName(descriptor.name) ??
    checkList("capabilities", descriptor.capabilities) ??
    checkList("reasoning_connectors", descriptor.reasoningConnectors);
  if (simple) return fail(simple);
  if (descriptor.description.length > MAX_DESCRIPTION_LENGTH)
    return fail(
      `description: must be at most ${MAX_DESCRIPTION_LENGTH} characters, got ${descriptor.description.length}`,
    );
  if (descriptor.publicKey.byteLength > MAX_PUBLIC_KEY_BYTES)
    return fail(`public_key: must be at most ${MAX_PUBLIC_KEY_BYTES} bytes, got ${descriptor.publicKey.byteLength}`);
  const words = countWords(descriptor.description);
  if (words > MAX_DESCRIPTION_WORDS)
    return fail(`description: must be at most ${MAX_DESCRIPTION_WORDS} words (spec §14), got ${words}`);
  const communicationClass = normaliseClass(descriptor.communicationClass);
  if (typeof communicationClass === "string") return fail(communicationClass);
  const modalities = normaliseModalities(descriptor.modalitiesSupported);
  if (typeof modalities === "string") return fail(modalities);
  let registrationType = descriptor.registrationType;
  if (registrationType === RegistrationType.REGISTRATION_TYPE_UNSPECIFIED)
    registrationType = RegistrationType.STANDARD_AGENT; // doc §2.2: default meaning STANDARD_AGENT
  if (RegistrationType[registrationType] === undefined)
    return fail(
      `registration_type: ${registrationType} is not a known RegistrationType (STANDARD_AGENT=1, SWARM_GATEWAY=2)`,
    );
  return {
    ok: true,
    descriptor: { ...descriptor, communicationClass, modalitiesSupported: modalities, registrationType },
  };
}

/** What is wrong with a Heartbeat's state or health map, or undefined when it is acceptable. */
export function checkHeartbeat(state: AgentState, health: Readonly<Record<string, string>>): string | undefined {
  if (AgentState[state] === undefined) return `state: ${state} is not a known AgentState (0..12)`;
  let entries = 0;
  let chars = 0;
  for (const key in health) {
    entries++;
    chars += key.length + (health[key]?.length ?? 0);
    if (entries > MAX_HEALTH_ENTRIES) return `health: at most ${MAX_HEALTH_ENTRIES} entries`;
    if (chars > MAX_HEALTH_CHARS) return `health: at most ${MAX_HEALTH_CHARS} characters of keys and values`;
  }
  return undefined;
}
