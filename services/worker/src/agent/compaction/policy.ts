import type { RealmConfig } from "@meerkat/shared/domain";

export type CompactionSettings = RealmConfig["compaction"];

/** Share of the model's context window at which history is compacted at the latest. */
export const CONTEXT_WINDOW_SHARE = 0.8;

/** Compaction starts at the configured threshold, or earlier when the model's window is small. */
export function compactionThreshold(settings: CompactionSettings, contextWindow: number): number {
  return Math.min(
    settings.auto_compact_threshold,
    Math.floor(contextWindow * CONTEXT_WINDOW_SHARE),
  );
}

export interface CompactionCheck {
  settings: CompactionSettings;
  contextWindow: number;
  /** Estimated tokens of the history the model would see. */
  historyTokens: number;
  /** User turns committed in the session's transcript. */
  userTurns: number;
  /** User turns committed since the last compaction; undefined when there was none. */
  turnsSinceLast: number | undefined;
}

/**
 * Whether to compact before this run: enabled, over the threshold, never for a session with
 * fewer than two user turns (there is nothing older to fold), and not again until
 * `min_turns_between_compactions` user turns followed the previous compaction.
 */
export function shouldCompact(check: CompactionCheck): boolean {
  const { settings } = check;
  if (!settings.enabled) return false;
  if (check.userTurns < 2) return false;
  if (
    check.turnsSinceLast !== undefined &&
    check.turnsSinceLast < settings.min_turns_between_compactions
  ) {
    return false;
  }
  return check.historyTokens >= compactionThreshold(settings, check.contextWindow);
}
