import { createBuiltinSource } from "./builtins/index.js";
import { createCommsSource } from "./comms/index.js";
import { createMemorySource } from "./memory/index.js";
import { createScheduleSource } from "./schedule/index.js";
import { createShellSource } from "./shell/index.js";
import type { ToolSource } from "./types.js";

/** Every tool family a worker offers; each source decides per session whether it is on. */
export function createToolSources(): ToolSource[] {
  return [
    createBuiltinSource(),
    createShellSource(),
    createMemorySource(),
    createScheduleSource(),
    createCommsSource(),
  ];
}
