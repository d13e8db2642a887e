import { toolEnabled } from "../../run-context.js";
import type { ToolSource } from "../types.js";
import { MEMORY_TOOLS } from "./tools.js";

/** memory_save and memory_search, on with `enable_memory`/`memory_enabled` (default on). */
export function createMemorySource(): ToolSource {
  return {
    name: "memory",
    enabled: (run) => toolEnabled(run.session, run.config, "memory"),
    tools: () => [...MEMORY_TOOLS],
  };
}
