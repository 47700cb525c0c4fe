/** The modules `sw4rm up` hosts by default, in start order (the router needs the registry's directory; the scheduler needs both). */
import type { ServiceModule } from "./modules.js";
import { registryModule } from "./registryModule.js";
import { routerModule } from "./routerModule.js";
import { schedulerModule } from "./schedulerModule.js";

export const DEFAULT_MODULES: readonly ServiceModule[] = [registryModule, routerModule, schedulerModule];
