/**
 * Start order from declared dependencies (as fastify checks plugin dependencies): a module starts after
 * every module providing what it `needs`. A need nobody provides, two providers of one key, or a cycle
 * stops start-up with a message naming the modules and keys involved.
 */
import type { AnyKey, ServiceModule } from "./modules.js";

export class CompositionError extends Error {
  override readonly name = "CompositionError";
}

const ids = (keys: readonly AnyKey[] | undefined) => (keys ?? []).map((k) => k.id);

export function startOrder(modules: readonly ServiceModule[]): ServiceModule[] {
  const providerOf = new Map<string, ServiceModule>();
  for (const m of modules)
    for (const id of ids(m.provides)) {
      const other = providerOf.get(id);
      if (other)
        throw new CompositionError(`component "${id}" is provided by both module "${other.name}" and module "${m.name}"`);
      providerOf.set(id, m);
    }
  for (const m of modules)
    for (const id of ids(m.needs))
      if (!providerOf.has(id))
        throw new CompositionError(
          `module "${m.name}" needs component "${id}", which no configured module provides ` +
            "(is the module that provides it disabled or missing from the module list?)",
        );
  const order: ServiceModule[] = [];
  const state = new Map<ServiceModule, "visiting" | "done">();
  const visit = (m: ServiceModule, path: readonly string[]) => {
    const s = state.get(m);
    if (s === "done") return;
    if (s === "visiting")
      throw new CompositionError(`modules need each other in a cycle: ${[...path, m.name].join(" -> ")}`);
    state.set(m, "visiting");
    for (const id of ids(m.needs)) {
      const provider = providerOf.get(id);
      if (provider && provider !== m) visit(provider, [...path, `${m.name} (needs ${id})`]);
    }
    state.set(m, "done");
    order.push(m);
  };
  // Listed order breaks ties, so the result is deterministic.
  for (const m of modules) visit(m, []);
  return order;
}
