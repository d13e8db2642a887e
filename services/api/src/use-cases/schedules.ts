/**
 * The schedule routes' use cases. The rules live in @meerkat/shared/schedules (the scheduler
 * and the worker's tools share them); here the API adds its realm, its clock, its query
 * parsing and the config switch on direct tool calls.
 */
import { AppError } from "@meerkat/shared/errors";
import { callScheduleTool } from "@meerkat/shared/schedules";
import type { ServiceDeps } from "./deps.js";

function asList(raw: string | string[] | undefined): string[] {
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/**
 * `labels=k=v` and `label=k=v` pairs (repeatable) as one filter; malformed pairs, and pairs
 * holding a NUL, are a 400.
 */
export function parseLabelFilters(
  ...sources: (string | string[] | undefined)[]
): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const pair of sources.flatMap(asList)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new AppError("BAD_REQUEST", `malformed label filter, expected key=value: ${pair}`);
    }
    // The filter is a jsonb value, and jsonb cannot hold U+0000 (a 500 from Postgres otherwise).
    if (pair.includes("\u0000")) {
      throw new AppError("BAD_REQUEST", "label filter must not contain the NUL character (%00)");
    }
    filters[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return filters;
}

/**
 * POST /schedule/call. The schedule routes work whatever the config says (the reference gates
 * only the capability and the agent tools), but calling a tool directly is using the tools, so
 * `tools.schedule_enabled = false` turns it off.
 */
export async function callScheduleToolDirect(
  deps: ServiceDeps,
  name: string,
  args: unknown,
): Promise<unknown> {
  const { config } = await deps.realm.config();
  if (!config.tools.schedule_enabled) {
    throw new AppError(
      "CAPABILITY_UNAVAILABLE",
      "schedule tools are disabled by config (tools.schedule_enabled = false)",
    );
  }
  return callScheduleTool(deps.db, deps.realm.realmId, name, args, { now: new Date() });
}
