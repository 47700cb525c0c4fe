/**
 * Every service module `sw4rm up` can host: adding a service is its folder plus one line here.
 * Start order comes from each module's declared `needs`/`provides` (process/compose.ts), not from
 * this list; the list order is only the order of `--help`, docs and the readiness line.
 */
import type { CatalogEntry } from "./entry.js";
import { ADDRESS_KEYS, type AddressKey, SERVICE_TABLE } from "./table.js";
import { registryEntry } from "./registry/entry.js";
import { routerEntry } from "./router/entry.js";
import { schedulerEntry } from "./scheduler/entry.js";

export const SERVICE_CATALOG: readonly CatalogEntry[] = [routerEntry, registryEntry, schedulerEntry];

export function catalogEntry(name: string): CatalogEntry | undefined {
  return SERVICE_CATALOG.find((e) => e.name === name);
}

/** Address keys of the services the catalog's modules serve (shared keys such as coordination included). */
export function servedAddressKeys(): AddressKey[] {
  const served = new Set(SERVICE_CATALOG.flatMap((e) => e.serves));
  return ADDRESS_KEYS.filter((k) => [...served].some((s) => SERVICE_TABLE[s].addressKeys.some((sk) => sk.key === k.key)));
}
