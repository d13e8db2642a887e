import { createBasicServices, type AgentServices } from "./services.js";

/**
 * The worker's agent services: every tool source, the hook engine, structured output,
 * compaction and skills. Features register here; the loop itself never changes for them.
 */
export function createAgentServices(): AgentServices {
  return createBasicServices();
}
