// Read-only views over the FileDescriptorProtos embedded in the generated code (`sw4rmProtoFiles`).
import { sw4rmProtoFiles } from "@sw4rm/protocol";

export type FileDescriptor = (typeof sw4rmProtoFiles)[number]["fileDescriptor"];
export type MessageDescriptor = FileDescriptor["messageType"][number];
export type FieldDescriptor = MessageDescriptor["field"][number];
export type EnumDescriptor = FileDescriptor["enumType"][number];

export const fileDescriptors: readonly FileDescriptor[] = sw4rmProtoFiles.map((m) => m.fileDescriptor);

/** google/protobuf/descriptor.proto FieldDescriptorProto.Type numbers. */
const SCALAR_TYPES: Record<number, string> = {
  1: "double",
  2: "float",
  3: "int64",
  4: "uint64",
  5: "int32",
  6: "fixed64",
  7: "fixed32",
  8: "bool",
  9: "string",
  10: "group",
  11: "message",
  12: "bytes",
  13: "uint32",
  14: "enum",
  15: "sfixed32",
  16: "sfixed64",
  17: "sint32",
  18: "sint64",
};
const LABELS: Record<number, string> = { 1: "optional", 2: "required", 3: "repeated" };

/** Every message (nested ones included) by fully-qualified name without the leading dot. */
export function messagesByName(): Map<string, MessageDescriptor> {
  const out = new Map<string, MessageDescriptor>();
  const visit = (prefix: string, msgs: readonly MessageDescriptor[]): void => {
    for (const m of msgs) {
      const fqn = `${prefix}.${m.name}`;
      out.set(fqn, m);
      visit(fqn, m.nestedType);
    }
  };
  for (const f of fileDescriptors) visit(f.package, f.messageType);
  return out;
}

/** Every enum (nested ones included) as "NAME=number" lists, keyed by fully-qualified name. */
export function enumsByName(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (prefix: string, enums: readonly EnumDescriptor[]): void => {
    for (const e of enums) {
      out.set(
        `${prefix}.${e.name}`,
        e.value.map((v) => `${v.name}=${v.number}`),
      );
    }
  };
  const visit = (prefix: string, msgs: readonly MessageDescriptor[]): void => {
    for (const m of msgs) {
      add(`${prefix}.${m.name}`, m.enumType);
      visit(`${prefix}.${m.name}`, m.nestedType);
    }
  };
  for (const f of fileDescriptors) {
    add(f.package, f.enumType);
    visit(f.package, f.messageType);
  }
  return out;
}

/**
 * One readable row per field: "<number> <name> [repeated ]<type>", where <type> is the scalar name,
 * "enum <fqn>", "message <fqn>", or "map<K,V>" for map fields (repeated *Entry with map_entry option).
 */
export function fieldRows(msg: MessageDescriptor, all: Map<string, MessageDescriptor>): string[] {
  return msg.field.map((f) => `${f.number} ${f.name} ${fieldType(f, all)}`);
}

function fieldType(f: FieldDescriptor, all: Map<string, MessageDescriptor>): string {
  const scalar = SCALAR_TYPES[f.type] ?? `type#${f.type}`;
  const label = LABELS[f.label] ?? `label#${f.label}`;
  const typeName = f.typeName.replace(/^\./, "");
  if (scalar === "message") {
    const entry = all.get(typeName);
    if (label === "repeated" && entry?.options?.mapEntry) {
      const [k, v] = entry.field;
      if (!k || !v) throw new Error(`malformed map entry ${typeName}`);
      return `map<${fieldType(k, all)},${fieldType(v, all)}>`;
    }
  }
  const base = scalar === "message" || scalar === "enum" ? `${scalar} ${typeName}` : scalar;
  if (label === "repeated") return `repeated ${base}`;
  if (label !== "optional") return `${label} ${base}`;
  return base;
}
