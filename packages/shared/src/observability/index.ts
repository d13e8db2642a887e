export { createLogger, REDACT_PATHS, type Logger, type LoggerSettings } from "./logger.js";
export { withSpan, activeSpan } from "./tracing.js";
