export {
  createShutdown,
  installProcessHandlers,
  SHUTDOWN_PHASES,
  type Shutdown,
  type ShutdownOptions,
  type ShutdownPhase,
  type ShutdownStep,
} from "./shutdown.js";
export { startProbeServer, type ProbeServer } from "./probe-server.js";
export { requireDependency, redactUrl } from "./startup.js";
