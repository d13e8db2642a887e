import type { Db, SessionRow, TurnFence, TurnRow } from "@meerkat/shared/db";
import type { AgentEvent, RealmConfig } from "@meerkat/shared/domain";
import type { ProviderRegistry } from "@meerkat/shared/llm";
import type { Logger } from "@meerkat/shared/observability";

/** Everything one attempt of a turn shares across the loop's parts (tools, hooks, extraction…). */
export interface RunContext {
  db: Db;
  logger: Logger;
  providers: ProviderRegistry;
  turn: TurnRow;
  session: SessionRow;
  config: RealmConfig;
  /** Aborted by interrupt, cancel, lease loss or shutdown (see abortCauseOf). */
  signal: AbortSignal;
  /** Buffers an event for the session stream (committed in order, then published). */
  emit: (event: AgentEvent) => void;
  /** Commits buffered events now (step boundaries). */
  flush: () => Promise<void>;
  /** The writes of this attempt are fenced by its claim. */
  fence: TurnFence;
  /** A per-session scratch directory for tools that touch files (shell). */
  workDir: string;
  /**
   * Starts a turn on another session of the realm when it is idle and has pending inputs (a
   * comms tool delivered to its inbox), honouring the realm's `inbox.wake_on_event`.
   */
  wake: (sessionId: string) => Promise<unknown>;
}

/** Whether a tool family is on for this session: the session's explicit choice, else config. */
export function toolEnabled(
  session: SessionRow,
  config: RealmConfig,
  family: "builtins" | "shell" | "memory" | "schedule" | "comms",
): boolean {
  const settings = session.settings;
  switch (family) {
    case "builtins":
      return settings.enable_builtins ?? config.tools.builtins_enabled;
    case "shell":
      return (
        (settings.enable_shell ?? config.tools.shell_enabled) &&
        (settings.enable_builtins ?? config.tools.builtins_enabled)
      );
    case "memory":
      return settings.enable_memory ?? config.tools.memory_enabled;
    case "schedule":
      return settings.enable_schedule ?? config.tools.schedule_enabled;
    case "comms":
      return Boolean(settings.comms_name) || config.tools.comms_enabled;
  }
}
