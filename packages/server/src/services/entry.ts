/**
 * What the catalog knows about a service module without loading it: its config section (JSON Schema),
 * env/flag-backed settings, admin paths and how to load it. Entries import nothing heavy, so the CLI
 * can build `sw4rm up --help`, validate a config file and generate the config reference cheaply.
 */
import type { ServiceName } from "@sw4rm/protocol";
import type { Command } from "commander";
import type { CliIo } from "../cli/io.js";
import type { ServiceModule } from "../process/modules.js";

/** A JSON Schema (draft-07, validated with ajv). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A setting that can also be given by environment variable and/or `sw4rm up` flag. */
export interface SettingOption {
  /** Path inside the module's config section, e.g. ["options", "inboundBufferCapacity"]. */
  readonly path: readonly string[];
  readonly env?: string;
  /** Long flag without its value placeholder: "--inbound-buffer-capacity". */
  readonly flag?: string;
  /** How the env/flag text is read. */
  readonly kind: "integer" | "number" | "string" | "boolean" | "json";
  readonly description: string;
}

export interface CatalogEntry {
  /** Module name; also its config section ({"<name>": {"addr", "enabled", ...settings}}). */
  readonly name: string;
  readonly description: string;
  /** The gRPC services it serves (service-table names). */
  readonly serves: readonly ServiceName[];
  /** JSON Schema properties of its config section besides `addr` and `enabled`. */
  readonly settings: Readonly<Record<string, JsonSchema>>;
  readonly options?: readonly SettingOption[];
  /** Admin HTTP path prefixes it answers (`/v1/tasks`); answered 503 "not running" when it does not run. */
  readonly adminPaths?: readonly string[];
  /** Admin CLI commands of the service (`sw4rm tasks`, …), registered on the `sw4rm` program. */
  readonly cli?: (program: Command, io: CliIo) => void;
  readonly load: () => Promise<ServiceModule>;
}

/** Schema helpers, so entries read as tables. */
export const schema = {
  int: (minimum: number, description: string): JsonSchema => ({ type: "integer", minimum, description }),
  num: (minimum: number, description: string): JsonSchema => ({ type: "number", minimum, description }),
  bool: (description: string): JsonSchema => ({ type: "boolean", description }),
  str: (description: string): JsonSchema => ({ type: "string", minLength: 1, description }),
  oneOf: (values: readonly string[], description: string): JsonSchema => ({ type: "string", enum: values, description }),
  object: (properties: Readonly<Record<string, JsonSchema>>, description: string): JsonSchema => ({
    type: "object",
    properties,
    additionalProperties: false,
    description,
  }),
  map: (values: JsonSchema, description: string, keyPattern?: string): JsonSchema => ({
    type: "object",
    ...(keyPattern ? { propertyNames: { pattern: keyPattern } } : {}),
    additionalProperties: values,
    description,
  }),
};
