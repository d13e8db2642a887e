import type { SessionRow } from "@meerkat/shared/db";
import { AppError } from "@meerkat/shared/errors";

/**
 * Refuses new work on a session that has used its whole token budget (realm config
 * `limits.session_token_budget`): 429 BUDGET_EXHAUSTED before anything is queued.
 */
export function assertSessionBudget(session: SessionRow, budget: number | undefined): void {
  if (budget === undefined) return;
  const used = session.inputTokens + session.outputTokens;
  if (used >= budget) {
    throw new AppError(
      "BUDGET_EXHAUSTED",
      `Session ${session.id} has used its token budget (${used} of ${budget} tokens)`,
      { details: { session_id: session.id, used_tokens: used, budget_tokens: budget } },
    );
  }
}
