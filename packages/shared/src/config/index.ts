export { Secret } from "./secret.js";
export { ConfigError, loadConfig, type EnvSource } from "./load.js";
export {
  boolEnv,
  optionalBoolEnv,
  csvEnv,
  enumEnv,
  intEnv,
  optionalStringEnv,
  secretEnv,
  stringEnv,
  urlEnv,
} from "./env-types.js";
export * from "./fragments.js";
