import type { FetchFunction } from "@meerkat/shared/llm";
import type { Logger } from "@meerkat/shared/observability";
import type { HookInvoker } from "../invocation.js";
import { invokeCommand } from "./command.js";
import { invokeHttp } from "./http.js";
import { invokeInProcess } from "./in-process.js";

export interface InvokerDeps {
  /** The environment command hooks start from (see minimalEnv). */
  baseEnv: Record<string, string>;
  /** The transport of http hooks: the provider calls' one (see invokeHttp). */
  fetch: FetchFunction;
  logger: Logger;
}

/** Dispatches an entry to its runtime. */
export function createInvoker(deps: InvokerDeps): HookInvoker {
  return (entry, invocation, signal) => {
    const runtime = entry.runtime;
    switch (runtime.type) {
      case "in_process":
        return invokeInProcess(runtime.name, entry.config, invocation, deps.logger);
      case "command":
        return invokeCommand(runtime, invocation, { baseEnv: deps.baseEnv, signal });
      case "http":
        return invokeHttp(runtime, invocation, { fetch: deps.fetch, signal });
    }
  };
}
