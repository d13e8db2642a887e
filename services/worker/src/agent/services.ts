import { AppError } from "@meerkat/shared/errors";
import type { BoundaryCompactor, BoundaryCompactorParams } from "./compaction/in-run.js";
import type { Compactor } from "./compaction/types.js";
import { NO_HOOKS, type HookRunner } from "./hooks/types.js";
import type { RunContext } from "./run-context.js";
import type { SkillResolver } from "./skills/types.js";
import type { Extractor } from "./structured-output/types.js";
import type { ToolSource } from "./tools/types.js";
import { transcriptToLlm } from "./transcript.js";

/** The parts of an agent run that vary by feature; built once per worker in main.ts. */
export interface AgentServices {
  toolSources: ToolSource[];
  /** The effective hooks of one run (config entries plus the session's hooks_override). */
  hooks: (run: RunContext) => HookRunner;
  extract: Extractor;
  compact: Compactor;
  /** Compaction between the LLM calls of one run; absent: a run is never compacted midway. */
  boundaryCompactor?: ((params: BoundaryCompactorParams) => BoundaryCompactor) | undefined;
  skills: SkillResolver;
}

/** History without compaction: the whole committed transcript. */
export const fullHistory: Compactor = (input) =>
  Promise.resolve(transcriptToLlm(input.transcript.map((m) => m.body)));

export const noSkills: SkillResolver = () => Promise.resolve([]);

export const noExtraction: Extractor = () =>
  Promise.reject(
    new AppError("CAPABILITY_UNAVAILABLE", "structured output is not available in this worker"),
  );

export function createBasicServices(overrides: Partial<AgentServices> = {}): AgentServices {
  return {
    toolSources: [],
    hooks: () => NO_HOOKS,
    extract: noExtraction,
    compact: fullHistory,
    skills: noSkills,
    ...overrides,
  };
}
