/** Module composition: start order from needs/provides, and start-up refusals that name both sides. */
import {
  CompositionError,
  componentKey,
  type ModuleContext,
  type ServiceModule,
  startOrder,
} from "@sw4rm/server";
import { startTestStack } from "@sw4rm/testing";
import { describe, expect, it } from "vitest";

const A = componentKey<string>("a");
const B = componentKey<number>("b");

const mod = (name: string, spec: Partial<ServiceModule> = {}): ServiceModule => ({
  name,
  ...spec,
  async start() {
    return { bindings: [], async close() {} };
  },
});

describe("startOrder", () => {
  it("starts providers before the modules that need them, whatever the list order", () => {
    const order = startOrder([
      mod("c", { needs: [A, B] }),
      mod("b", { needs: [A], provides: [B] }),
      mod("a", { provides: [A] }),
    ]);
    expect(order.map((m) => m.name)).toEqual(["a", "b", "c"]);
  });

  it("keeps the listed order for independent modules", () => {
    expect(startOrder([mod("x"), mod("y"), mod("z")]).map((m) => m.name)).toEqual(["x", "y", "z"]);
  });

  it("refuses a need nobody provides, naming the module and the component", () => {
    expect(() => startOrder([mod("scheduler", { needs: [A] })])).toThrow(
      new CompositionError(
        'module "scheduler" needs component "a", which no configured module provides ' +
          "(is the module that provides it disabled or missing from the module list?)",
      ),
    );
  });

  it("refuses two providers of one component", () => {
    expect(() => startOrder([mod("one", { provides: [A] }), mod("two", { provides: [A] })])).toThrow(
      'component "a" is provided by both module "one" and module "two"',
    );
  });

  it("refuses a cycle, naming the modules on it", () => {
    expect(() =>
      startOrder([mod("p", { needs: [B], provides: [A] }), mod("q", { needs: [A], provides: [B] })]),
    ).toThrow(/modules need each other in a cycle: p \(needs b\) -> q \(needs a\) -> p/);
  });
});

describe("module contexts", () => {
  it("refuses reading a component the module did not declare, and a declared component never provided", async () => {
    const sneaky = mod("sneaky");
    const reads: ServiceModule = {
      ...sneaky,
      async start(ctx: ModuleContext) {
        ctx.get(A);
        return { bindings: [], async close() {} };
      },
    };
    await expect(startTestStack({ modules: [mod("a", { provides: [] }), reads] })).rejects.toThrow(
      'module "sneaky" reads component "a" without declaring it in needs',
    );
    await expect(startTestStack({ modules: [mod("lazy", { provides: [A] })] })).rejects.toThrow(
      'module "lazy" declares it provides "a" but did not provide it',
    );
  });
});
