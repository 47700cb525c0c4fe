export type { BindAddress } from "./address.js";
export { DEFAULT_BIND_HOST, formatAddress, parseBindAddress } from "./address.js";
export type {
  JsonValue,
  LogLevel,
  RegistrySettings,
  ServedService,
  ServerConfig,
  ServerConfigInput,
} from "./config.js";
export {
  configFromEnv,
  DEFAULT_DATA_DIR,
  defaultConfig,
  LOG_LEVELS,
  resolveConfig,
  SERVED_SERVICES,
} from "./config.js";
export { loadConfigFile, parseConfig } from "./configFile.js";
export { DEFAULT_MODULES } from "./defaultModules.js";
export type { LoggerOptions } from "./logger.js";
export { createLogger, silentLogger } from "./logger.js";
export type { Components, ModuleContext, ServiceBinding, ServiceModule, StartedModule } from "./modules.js";
export { registryModule } from "./registryModule.js";
export { routerModule } from "./routerModule.js";
export type { RunningServer, StartOptions } from "./server.js";
export { formatReadinessLine, startServer } from "./server.js";
export { stopOnSignals } from "./signals.js";
