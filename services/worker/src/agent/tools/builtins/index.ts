import { toolEnabled } from "../../run-context.js";
import type { ToolSource } from "../types.js";
import { datetimeTool } from "./datetime.js";
import { TASK_TOOLS } from "./task-tools.js";

/** The builtin tools (shared task list, datetime), on with `enable_builtins`/`builtins_enabled`. */
export function createBuiltinSource(): ToolSource {
  const tools = [...TASK_TOOLS, datetimeTool];
  return {
    name: "builtins",
    enabled: (run) => toolEnabled(run.session, run.config, "builtins"),
    tools: () => tools,
  };
}
