import { listPendingInputs, loadRunInbox, type Db, type InputRow } from "@meerkat/shared/db";
import type { AgentEvent, ContentInput, TranscriptMessage } from "@meerkat/shared/domain";
import type { LlmMessage } from "@meerkat/shared/llm";
import { transcriptToLlm } from "./transcript.js";

/** A reserved interaction to report on when the run ends. */
interface Interaction {
  interactionId: string;
  kind: "input" | "peer_response";
  requestId?: string | undefined;
  status?: string | undefined;
  result?: unknown;
}

/**
 * What the outside world left for this run: the session's pending inbox (rendered as system
 * notices before the prompt), its runtime system context, and steer-mode inputs that arrive
 * while it runs. Everything taken here is marked consumed/applied in the run's commit.
 */
export class RunInbox {
  readonly inputIds: string[] = [];
  readonly systemContextIds: string[] = [];
  readonly contextSections: string[] = [];
  readonly notices: TranscriptMessage[] = [];
  /** System-prompt sections and skills that scheduled prompts bring for this run. */
  readonly instructions: string[] = [];
  readonly skillRefs: unknown[] = [];
  readonly #interactions: Interaction[] = [];
  readonly #db: Db;
  readonly #sessionId: string;

  private constructor(db: Db, sessionId: string) {
    this.#db = db;
    this.#sessionId = sessionId;
  }

  /** A session with nothing waiting (the common case: no query needed). */
  static empty(db: Db, sessionId: string): RunInbox {
    return new RunInbox(db, sessionId);
  }

  static async gather(db: Db, sessionId: string): Promise<RunInbox> {
    const inbox = new RunInbox(db, sessionId);
    const { inputs, contexts } = await loadRunInbox(db, sessionId);
    for (const input of inputs) inbox.#take(input);
    for (const context of contexts) {
      inbox.contextSections.push(
        `[Runtime System Context]\nsource: ${context.source ?? "api"}\n\n${context.text}`,
      );
      if (context.status === "staged") inbox.systemContextIds.push(context.id);
    }
    return inbox;
  }

  get isEmpty(): boolean {
    return this.inputIds.length === 0;
  }

  /** Steer-mode inputs that arrived since the run started: their notices, for the next model call. */
  async takeSteering(newMessages: TranscriptMessage[]): Promise<LlmMessage[]> {
    const taken = new Set(this.inputIds);
    const fresh = (await listPendingInputs(this.#db, this.#sessionId, "steer")).filter(
      (input) => !taken.has(input.id),
    );
    const notices = fresh.map((input) => this.#take(input));
    newMessages.push(...notices);
    return transcriptToLlm(notices);
  }

  /**
   * A scheduled prompt reads like the user's own prompt (the transcript gets a user message);
   * its additional instructions and skill refs join this run.
   */
  #takeScheduledPrompt(input: InputRow): TranscriptMessage {
    const block = input.notice.blocks[0] ?? {};
    const prompt = block["prompt"];
    const message: TranscriptMessage = {
      role: "user",
      content:
        typeof prompt === "string" || Array.isArray(prompt)
          ? (prompt as ContentInput)
          : input.notice.body,
    };
    this.notices.push(message);
    const instructions = block["additional_instructions"];
    if (Array.isArray(instructions)) {
      this.instructions.push(
        ...instructions.filter((item): item is string => typeof item === "string"),
      );
    }
    const refs = block["skill_refs"];
    if (Array.isArray(refs)) this.skillRefs.push(...(refs as unknown[]));
    return message;
  }

  /** interaction_complete / interaction_failed for the reserved interactions this run served. */
  interactionEvents(outcome: { completed: boolean; text: string; error?: string }): AgentEvent[] {
    return this.#interactions.map((interaction): AgentEvent => {
      if (interaction.kind === "peer_response") {
        const ok = interaction.status !== "failed";
        return {
          type: ok ? "interaction_complete" : "interaction_failed",
          interaction_id: interaction.interactionId,
          request_id: interaction.requestId,
          status: interaction.status,
          result: interaction.result ?? null,
        };
      }
      return outcome.completed
        ? {
            type: "interaction_complete",
            interaction_id: interaction.interactionId,
            result: outcome.text,
          }
        : {
            type: "interaction_failed",
            interaction_id: interaction.interactionId,
            error: outcome.error ?? "run failed",
          };
    });
  }

  #take(input: InputRow): TranscriptMessage {
    this.inputIds.push(input.id);
    if (input.kind === "schedule_prompt") return this.#takeScheduledPrompt(input);
    const notice: TranscriptMessage = {
      role: "system_notice",
      kind:
        input.kind === "external_event" || input.kind === "schedule_event"
          ? "external_event"
          : "comms",
      body: input.notice.body,
      blocks: input.notice.blocks.map((block) => ({
        type: typeof block["type"] === "string" ? block["type"] : "unknown",
        ...block,
      })),
    };
    this.notices.push(notice);
    for (const block of input.notice.blocks) {
      const interactionId = block["interaction_id"];
      if (typeof interactionId !== "string") continue;
      if (block["kind"] === "input" && block["reserve_interaction"] === true) {
        this.#interactions.push({ interactionId, kind: "input" });
      } else if (block["kind"] === "peer_response") {
        this.#interactions.push({
          interactionId,
          kind: "peer_response",
          requestId: typeof block["in_reply_to"] === "string" ? block["in_reply_to"] : undefined,
          status: typeof block["status"] === "string" ? block["status"] : undefined,
          result: block["result"],
        });
      }
    }
    return notice;
  }
}
