import { parseDurationMs, type AgentEvent, type TerminalCauseKind } from "@meerkat/shared/domain";

export interface BudgetLimits {
  maxTokens?: number | undefined;
  maxDurationMs?: number | undefined;
  maxToolCalls?: number | undefined;
}

type BudgetType = "tokens" | "time" | "tool_calls";

/**
 * Reads per-run limits from `budget_limits` (request) or `[budget]` (config). `max_duration`
 * is milliseconds on the wire (a duration string, or the reference's `{secs, nanos}`, is also
 * accepted).
 */
export function parseBudgetLimits(
  raw: unknown,
  fallback: {
    max_tokens?: number | undefined;
    max_duration?: number | string | undefined;
    max_tool_calls?: number | undefined;
  },
): BudgetLimits {
  const source =
    raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : fallback;
  const number = (value: unknown) => (typeof value === "number" && value > 0 ? value : undefined);
  let duration: number | undefined;
  const rawDuration = source["max_duration"];
  if (typeof rawDuration === "number" || typeof rawDuration === "string")
    duration = parseDurationMs(rawDuration);
  else if (rawDuration !== null && typeof rawDuration === "object") {
    const { secs, nanos } = rawDuration as { secs?: unknown; nanos?: unknown };
    duration =
      (typeof secs === "number" ? secs * 1000 : 0) + (typeof nanos === "number" ? nanos / 1e6 : 0);
  }
  return {
    maxTokens: number(source["max_tokens"]),
    maxDurationMs: duration !== undefined && duration > 0 ? duration : undefined,
    maxToolCalls: number(source["max_tool_calls"]),
  };
}

/**
 * Tracks a run's token, time and tool-call budgets. Emits `budget_warning` once when a budget
 * crosses the warning threshold and once (percent 1.0) when it is used up; the loop then ends
 * the run with the budget's terminal cause.
 */
export class BudgetTracker {
  readonly #limits: BudgetLimits;
  readonly #threshold: number;
  readonly #emit: (event: AgentEvent) => void;
  readonly #startedAt: number;
  readonly #warned = new Set<string>();
  #tokens = 0;
  #toolCalls = 0;

  constructor(
    limits: BudgetLimits,
    threshold: number,
    emit: (event: AgentEvent) => void,
    now = Date.now(),
  ) {
    this.#limits = limits;
    this.#threshold = threshold;
    this.#emit = emit;
    this.#startedAt = now;
  }

  /** Milliseconds left of the time budget (Infinity without one). */
  remainingMs(now = Date.now()): number {
    return this.#limits.maxDurationMs === undefined
      ? Number.POSITIVE_INFINITY
      : this.#limits.maxDurationMs - (now - this.#startedAt);
  }

  addTokens(count: number): void {
    this.#tokens += count;
    this.#check("tokens", this.#tokens, this.#limits.maxTokens);
  }

  addToolCalls(count: number): void {
    this.#toolCalls += count;
    this.#check("tool_calls", this.#toolCalls, this.#limits.maxToolCalls);
  }

  /** Tool calls still allowed (Infinity without a limit). */
  toolCallsLeft(): number {
    return this.#limits.maxToolCalls === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(0, this.#limits.maxToolCalls - this.#toolCalls);
  }

  /** The terminal cause when a budget is used up, else undefined. */
  exhausted(now = Date.now()): TerminalCauseKind | undefined {
    const elapsed = now - this.#startedAt;
    this.#check("time", elapsed, this.#limits.maxDurationMs);
    if (this.#limits.maxDurationMs !== undefined && elapsed >= this.#limits.maxDurationMs) {
      return "time_budget_exceeded";
    }
    if (this.#limits.maxTokens !== undefined && this.#tokens >= this.#limits.maxTokens)
      return "budget_exhausted";
    if (this.#limits.maxToolCalls !== undefined && this.#toolCalls >= this.#limits.maxToolCalls) {
      return "budget_exhausted";
    }
    return undefined;
  }

  #check(type: BudgetType, used: number, limit: number | undefined): void {
    if (limit === undefined) return;
    const percent = used / limit;
    if (percent >= 1 && !this.#warned.has(`${type}:exhausted`)) {
      this.#warned.add(`${type}:exhausted`);
      this.#warned.add(`${type}:warning`);
      this.#emit({ type: "budget_warning", budget_type: type, used, limit, percent: 1 });
    } else if (percent >= this.#threshold && !this.#warned.has(`${type}:warning`)) {
      this.#warned.add(`${type}:warning`);
      this.#emit({
        type: "budget_warning",
        budget_type: type,
        used,
        limit,
        percent: Math.round(percent * 1000) / 1000,
      });
    }
  }
}
