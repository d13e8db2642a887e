import { toolEnabled } from "../../run-context.js";
import type { ToolSource } from "../types.js";
import { JobRegistry } from "./jobs.js";
import { shellTools } from "./tools.js";

/**
 * The shell tools, on with `enable_shell`/`shell_enabled` (which also need the builtins). One
 * job registry per worker: background jobs are processes of this worker (see jobs.ts).
 */
export function createShellSource(jobs = new JobRegistry()): ToolSource {
  const tools = shellTools(jobs);
  return {
    name: "shell",
    enabled: (run) => toolEnabled(run.session, run.config, "shell"),
    tools: () => tools,
  };
}
