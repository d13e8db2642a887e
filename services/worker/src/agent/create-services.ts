import { compactHistory } from "./compaction/compact.js";
import { BoundaryCompactor } from "./compaction/in-run.js";
import { createHookRunnerFactory } from "./hooks/engine.js";
import type { AgentServices } from "./services.js";
import { resolveSkills } from "./skills/resolve.js";
import { extractStructuredOutput } from "./structured-output/extract.js";
import { createToolSources } from "./tools/sources.js";

/**
 * The worker's agent services: every tool source, the hook engine, structured output,
 * compaction and skills. Features register here; the loop itself never changes for them.
 */
export function createAgentServices(
  options: { allowedHookRuntimes?: readonly string[] } = {},
): AgentServices {
  return {
    toolSources: createToolSources(),
    hooks: createHookRunnerFactory({
      ...(options.allowedHookRuntimes ? { allowedRuntimes: options.allowedHookRuntimes } : {}),
    }),
    extract: extractStructuredOutput,
    compact: compactHistory,
    boundaryCompactor: (params) => new BoundaryCompactor(params),
    skills: resolveSkills,
  };
}
