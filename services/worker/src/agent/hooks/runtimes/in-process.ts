import {
  builtinHookConfigSchemas,
  isBuiltinHookName,
  type BuiltinHookName,
} from "@meerkat/shared/domain";
import type { Logger } from "@meerkat/shared/observability";
import { BUILTIN_HOOKS } from "../builtins.js";
import type { HookInvocation } from "../invocation.js";
import type { HookResponse } from "../response.js";

function runNamed(
  name: BuiltinHookName,
  rawConfig: unknown,
  invocation: HookInvocation,
  logger: Logger,
): HookResponse {
  const config = builtinHookConfigSchemas[name].safeParse(rawConfig ?? {});
  if (!config.success) {
    throw new Error(
      `invalid config for in_process hook '${name}': ${config.error.issues.map((issue) => issue.message).join("; ")}`,
    );
  }
  // The mapped registry type guarantees BUILTIN_HOOKS[name] takes exactly this config.
  const builtin = BUILTIN_HOOKS[name] as (
    config: unknown,
    invocation: HookInvocation,
    logger: Logger,
  ) => HookResponse;
  return builtin(config.data, invocation, logger);
}

/**
 * Runs a builtin hook. A name this worker does not know (stored before a builtin was removed,
 * or written to the config unvalidated) or an invalid config fails the hook, visibly.
 */
export function invokeInProcess(
  name: string,
  rawConfig: unknown,
  invocation: HookInvocation,
  logger: Logger,
): Promise<HookResponse> {
  try {
    if (!isBuiltinHookName(name)) throw new Error(`unknown in_process hook '${name}'`);
    return Promise.resolve(runNamed(name, rawConfig, invocation, logger));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
