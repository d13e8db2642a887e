import { labelsProblem, type ProviderId } from "@meerkat/shared/domain";
import { AppError } from "@meerkat/shared/errors";
import { checkOutputSchema } from "@meerkat/shared/json-schema";

/**
 * At most MAX_LABELS labels (64), no empty key, and no key the runtime owns (contract §3.10);
 * the request schema bounds each key (256 characters) and value (4096).
 */
export function assertLabels(
  labels: Record<string, string> | null | undefined,
  field = "labels",
): void {
  const problem = labelsProblem(labels, field);
  if (problem !== undefined) throw new AppError("BAD_REQUEST", problem);
}

/** Top-level `app_context` keys `meerkat` / `meerkat.*` are reserved. */
export function assertAppContext(appContext: unknown): void {
  if (appContext === null || typeof appContext !== "object" || Array.isArray(appContext)) return;
  for (const key of Object.keys(appContext)) {
    const lower = key.toLowerCase();
    if (lower === "meerkat" || lower.startsWith("meerkat.")) {
      throw new AppError("BAD_REQUEST", `app_context key '${key}' is reserved for Meerkat`);
    }
  }
}

/** keep_alive needs an agent name for comms. */
export function assertKeepAlive(
  keepAlive: boolean | null | undefined,
  commsName: string | null | undefined,
): void {
  if (keepAlive === true && !commsName) {
    throw new AppError("BAD_REQUEST", "keep_alive requires comms_name");
  }
}

/** The shell tool is one of the builtins: asking for it without them is a contradiction. */
export function assertShellNeedsBuiltins(
  enableShell: boolean | null | undefined,
  enableBuiltins: boolean | null | undefined,
  builtinsByConfig: boolean,
): void {
  if (enableShell === true && !(enableBuiltins ?? builtinsByConfig)) {
    throw new AppError(
      "BAD_REQUEST",
      "enable_shell requires enable_builtins (the shell tool is one of the builtin tools)",
    );
  }
}

/** An output_schema that is not a usable JSON Schema (for this provider) is a 400, up front. */
export function assertOutputSchema(raw: unknown, provider: ProviderId): void {
  if (raw === null || raw === undefined) return;
  const problems = checkOutputSchema(raw, provider);
  if (problems.length > 0) {
    throw new AppError("BAD_REQUEST", `Invalid output_schema: ${problems.join("; ")}`, {
      details: { problems },
    });
  }
}
