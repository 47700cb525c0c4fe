export type { BindAddress } from "./address.js";
export { DEFAULT_BIND_HOST, formatAddress, parseBindAddress } from "./address.js";
export { CompositionError, startOrder } from "./compose.js";
export type { JsonObject, JsonValue, LogLevel, SectionInput, SectionName, ServerConfig, ServerConfigInput } from "./config.js";
export { configFromEnv, DEFAULT_DATA_DIR, defaultConfig, LOG_LEVELS, resolveConfig } from "./config.js";
export { loadConfigFile, parseConfig } from "./configFile.js";
export type { LoggerOptions } from "./logger.js";
export { createLogger, silentLogger } from "./logger.js";
export type {
  AnyKey,
  ComponentKey,
  ModuleContext,
  ServiceBinding,
  ServiceModule,
  StartedModule,
} from "./modules.js";
export { binding, componentKey } from "./modules.js";
export { registryModule } from "../services/registry/module.js";
export { routerModule } from "../services/router/module.js";
export { schedulerModule } from "../services/scheduler/module.js";
export type { RunningServer, StartOptions } from "./server.js";
export { defaultModules, formatReadinessLine, startServer } from "./server.js";
export { stopOnSignals } from "./signals.js";
