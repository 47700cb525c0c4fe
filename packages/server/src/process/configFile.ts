/**
 * Reads and validates a JSON config file against the schema (configSchema.ts): an unknown key is an
 * error naming it and the valid keys, a wrong type names the field and what it must be. A config that
 * says something the server would ignore never starts a server.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import type { ServerConfigInput } from "./config.js";
import { configSchema } from "./configSchema.js";

type Validate = ReturnType<Ajv["compile"]>;
let validator: Validate | undefined;

function compiled(): Validate {
  validator ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(configSchema());
  return validator;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "an array",
};

/** "router.options.inboundBufferCapacity" from "/router/options/inboundBufferCapacity". */
function fieldOf(path: string): string {
  return path
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function schemaAt(path: string): Readonly<Record<string, unknown>> | undefined {
  let node: unknown = configSchema();
  for (const part of path.split("/").slice(1)) {
    const props = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
    const extra = (node as { additionalProperties?: unknown } | undefined)?.additionalProperties;
    node = props?.[part] ?? (typeof extra === "object" ? extra : undefined);
  }
  return node as Readonly<Record<string, unknown>> | undefined;
}

function describe(error: ErrorObject, data: unknown): string {
  const field = fieldOf(error.instancePath);
  const at = field === "" ? "the config" : `"${field}"`;
  const got = (() => {
    let v: unknown = data;
    for (const p of error.instancePath.split("/").slice(1)) v = (v as Record<string, unknown> | undefined)?.[p];
    return JSON.stringify(v);
  })();
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const keys = Object.keys((schemaAt(error.instancePath)?.properties as object | undefined) ?? {});
      return `${at}: unknown key "${String(p.additionalProperty)}" (valid keys: ${keys.join(", ")})`;
    }
    case "type": {
      const types = String(p.type).split(",").map((t) => TYPE_NAMES[t] ?? t);
      return `${at} must be ${types.join(" or ")}, got ${got}`;
    }
    case "minimum": {
      const integer = schemaAt(error.instancePath)?.type === "integer";
      return `${at} must be ${integer ? "an integer" : "a number"} >= ${String(p.limit)}`;
    }
    case "minLength":
      return `${at} must be a non-empty string`;
    case "enum":
      return `${at} must be one of ${(p.allowedValues as unknown[]).join(", ")}, got ${got}`;
    case "pattern":
      if (error.propertyName !== undefined)
        return `${at}: key "${error.propertyName}" must match ${String(p.pattern)}`;
      return `${at} must match ${String(p.pattern)}, got ${got}`;
    case "propertyNames":
      return `${at}: key "${String(p.propertyName)}" is not allowed`;
    default:
      return `${at} ${error.message ?? "is invalid"}`;
  }
}

export function parseConfig(text: string, file: string): ServerConfigInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error(`${file}: the config must be a JSON object`);
  // Log levels are case-insensitive, as in the env var and the flag.
  const log = (raw as { log?: { level?: unknown } }).log;
  if (log && typeof log.level === "string") log.level = log.level.toLowerCase();
  const validate = compiled();
  if (!validate(raw)) {
    const error = validate.errors?.[0];
    throw new Error(`${file}: ${error ? describe(error, raw) : "invalid config"}`);
  }
  return raw as ServerConfigInput;
}

export function loadConfigFile(file: string): ServerConfigInput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, file);
}
