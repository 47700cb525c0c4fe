/**
 * The RPCs under test and their request schemas, read from the generated code's embedded
 * FileDescriptorProtos (ts-proto `protoMetadata`), so a method added to router/registry/scheduler
 * .proto files is fuzzed without touching this directory.
 */
import type { ServiceDefinition } from "@grpc/grpc-js";
import {
  registry,
  RegistryServiceService,
  router,
  RouterServiceService,
  scheduler,
  SchedulerServiceService,
} from "@sw4rm/protocol";
import type {
  DescriptorProto,
  EnumDescriptorProto,
  FieldDescriptorProto,
  FileDescriptorProto,
} from "ts-proto-descriptors";

/** FieldDescriptorProto.Type numbers (descriptor.proto). */
export const FieldType = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  group: 10,
  message: 11,
  bytes: 12,
  uint32: 13,
  enum: 14,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
} as const;
const LABEL_REPEATED = 3;

export interface FieldSchema {
  readonly name: string;
  readonly number: number;
  readonly type: number;
  readonly repeated: boolean;
  /** Message fields: the nested schema (resolved lazily: schemas may nest). */
  readonly message?: () => MessageSchema;
  /** Enum fields: the declared values. */
  readonly enumValues?: readonly number[];
}

export interface MessageSchema {
  readonly fullName: string;
  readonly fields: readonly FieldSchema[];
  readonly mapEntry: boolean;
}

export type ServiceKey = "router" | "registry" | "scheduler";

export interface RpcSchema {
  readonly service: ServiceKey;
  /** e.g. "SendMessage" */
  readonly name: string;
  /** e.g. "/sw4rm.router.RouterService/SendMessage" */
  readonly path: string;
  readonly serverStreaming: boolean;
  readonly request: MessageSchema;
  /** Strict decoder of the response (throws on bytes that are not a valid response). */
  readonly decodeResponse: (bytes: Buffer) => unknown;
}

interface ProtoMeta {
  readonly fileDescriptor: FileDescriptorProto;
  readonly dependencies?: readonly ProtoMeta[];
}

function collectFiles(meta: ProtoMeta, into: Map<string, FileDescriptorProto>): void {
  if (into.has(meta.fileDescriptor.name)) return;
  into.set(meta.fileDescriptor.name, meta.fileDescriptor);
  for (const dep of meta.dependencies ?? []) collectFiles(dep, into);
}

class SchemaIndex {
  readonly #messages = new Map<string, DescriptorProto>();
  readonly #enums = new Map<string, EnumDescriptorProto>();
  readonly #built = new Map<string, MessageSchema>();

  constructor(files: Iterable<FileDescriptorProto>) {
    for (const f of files) {
      const prefix = f.package ? `.${f.package}` : "";
      for (const e of f.enumType) this.#enums.set(`${prefix}.${e.name}`, e);
      for (const m of f.messageType) this.#addMessage(`${prefix}.${m.name}`, m);
    }
  }

  #addMessage(fullName: string, m: DescriptorProto): void {
    this.#messages.set(fullName, m);
    for (const e of m.enumType) this.#enums.set(`${fullName}.${e.name}`, e);
    for (const n of m.nestedType) this.#addMessage(`${fullName}.${n.name}`, n);
  }

  message(fullName: string): MessageSchema {
    const cached = this.#built.get(fullName);
    if (cached) return cached;
    const d = this.#messages.get(fullName);
    if (!d) throw new Error(`no descriptor for ${fullName}`);
    const schema: MessageSchema = {
      fullName,
      mapEntry: d.options?.mapEntry === true,
      fields: d.field.map((f) => this.#field(f)),
    };
    this.#built.set(fullName, schema);
    return schema;
  }

  #field(f: FieldDescriptorProto): FieldSchema {
    const base = { name: f.name, number: f.number, type: f.type, repeated: f.label === LABEL_REPEATED };
    if (f.type === FieldType.message) return { ...base, message: () => this.message(f.typeName) };
    if (f.type === FieldType.enum) {
      const e = this.#enums.get(f.typeName);
      if (!e) throw new Error(`no enum ${f.typeName}`);
      return { ...base, enumValues: e.value.map((v) => v.number) };
    }
    return base;
  }
}

const SERVICES: readonly { key: ServiceKey; meta: ProtoMeta; definition: ServiceDefinition }[] = [
  { key: "router", meta: router.protoMetadata, definition: RouterServiceService as unknown as ServiceDefinition },
  { key: "registry", meta: registry.protoMetadata, definition: RegistryServiceService as unknown as ServiceDefinition },
  {
    key: "scheduler",
    meta: scheduler.protoMetadata,
    definition: SchedulerServiceService as unknown as ServiceDefinition,
  },
];

function buildRpcs(): RpcSchema[] {
  const files = new Map<string, FileDescriptorProto>();
  for (const s of SERVICES) collectFiles(s.meta, files);
  const index = new SchemaIndex(files.values());
  const rpcs: RpcSchema[] = [];
  for (const s of SERVICES) {
    const file = s.meta.fileDescriptor;
    const byPath = new Map(Object.values(s.definition).map((m) => [m.path, m]));
    for (const svc of file.service) {
      for (const m of svc.method) {
        const path = `/${file.package}.${svc.name}/${m.name}`;
        const def = byPath.get(path);
        if (!def) throw new Error(`${path} is in the descriptor but not in the service definition`);
        rpcs.push({
          service: s.key,
          name: m.name,
          path,
          serverStreaming: m.serverStreaming,
          request: index.message(m.inputType),
          decodeResponse: (bytes) => def.responseDeserialize(bytes),
        });
      }
    }
  }
  return rpcs;
}

/** Every RPC of sw4rm.router.RouterService, sw4rm.registry.RegistryService and sw4rm.scheduler.SchedulerService. */
export const RPCS: readonly RpcSchema[] = buildRpcs();

export function rpc(service: ServiceKey, name: string): RpcSchema {
  const found = RPCS.find((r) => r.service === service && r.name === name);
  if (!found) throw new Error(`no RPC ${service}.${name}`);
  return found;
}
