/** Request message type per method path, read from the descriptors embedded in the generated code. */
import { routerSession, sw4rmProtoFiles } from "@sw4rm/protocol";

interface FileLike {
  readonly fileDescriptor: {
    readonly package: string;
    readonly service: readonly {
      readonly name: string;
      readonly method: readonly { readonly name: string; readonly inputType: string }[];
    }[];
  };
}

let byPath: Map<string, string> | undefined;

function build(): Map<string, string> {
  const map = new Map<string, string>();
  const files: readonly FileLike[] = [...sw4rmProtoFiles, routerSession.protoMetadata];
  for (const { fileDescriptor: file } of files)
    for (const service of file.service)
      for (const method of service.method)
        map.set(`/${file.package}.${service.name}/${method.name}`, method.inputType.replace(/^\./, ""));
  return map;
}

/** "sw4rm.registry.RegisterAgentRequest" for "/sw4rm.registry.RegistryService/RegisterAgent". */
export function requestTypeOf(path: string): string {
  byPath ??= build();
  return byPath.get(path) ?? `request of ${path}`;
}
