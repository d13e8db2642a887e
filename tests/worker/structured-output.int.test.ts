import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeReply, FakeRequestRecord } from "@meerkat/fake-provider";
import { startStack, type Stack } from "../support/stack.js";

interface RunResultBody {
  session_id: string;
  text: string;
  turns: number;
  usage: { input_tokens: number; output_tokens: number };
  structured_output: unknown;
  schema_warnings: { provider: string; path: string; message: string }[] | null;
  extraction_error?: { attempts: number; last_output: string | null; reason: string } | null;
}

interface StoredEvent {
  type: string;
  payload: Record<string, unknown>;
}

const capitalSchema = {
  type: "object",
  properties: { country: { type: "string" }, capital: { type: "string" } },
  required: ["country", "capital"],
};
const wrapper = {
  schema: capitalSchema,
  name: "capital_extraction",
  strict: false,
  compat: "lossy",
  format: "meerkat_v1",
};
const france = { country: "France", capital: "Paris" };

const PROVIDERS = [
  { provider: "anthropic", model: "claude-haiku-4-5" },
  { provider: "openai", model: "gpt-5.4-mini" },
] as const;

describe("structured output extraction", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  /** Runs one create with scripted replies; `marker` keeps its replies and requests apart. */
  async function runWith(
    body: Record<string, unknown>,
    replies: FakeReply[],
  ): Promise<{ status: number; result: RunResultBody; sent: FakeRequestRecord[] }> {
    const marker = `marker-${randomUUID()}`;
    stack.fake.enqueue(replies, { contains: marker });
    const response = await stack.request<RunResultBody>("POST", "/sessions", {
      ...body,
      prompt: `What is the capital of France? (${marker})`,
    });
    const sent = stack.fake
      .requests()
      .filter((request) => JSON.stringify(request.body).includes(marker));
    return { status: response.status, result: response.body, sent };
  }

  async function eventsOf(sessionId: string): Promise<StoredEvent[]> {
    const { rows } = await stack.db.handle.pool.query<StoredEvent>(
      "select type, payload from session_events where session_id = $1 order by seq",
      [sessionId],
    );
    return rows;
  }

  async function historyRoles(sessionId: string): Promise<string[]> {
    const history = await stack.request<{ messages: { role: string }[] }>(
      "GET",
      `/sessions/${sessionId}/history`,
    );
    expect(history.status).toBe(200);
    return history.body.messages.map((message) => message.role);
  }

  describe.each(PROVIDERS)("$provider", ({ provider, model }) => {
    it("extracts output that validates the first time, after run_completed", async () => {
      const { status, result, sent } = await runWith({ model, output_schema: wrapper }, [
        { text: "The capital of France is Paris." },
        { json: france },
      ]);
      expect(status).toBe(200);
      expect(result.text).toBe("The capital of France is Paris.");
      expect(result.structured_output).toEqual(france);
      expect(result.schema_warnings).toBeNull();
      expect(result.extraction_error ?? null).toBeNull();
      expect(result.turns).toBe(2);

      expect(sent).toHaveLength(2);
      const extraction = sent[1]!;
      const serialized = JSON.stringify(extraction.body);
      expect(serialized).toContain("The capital of France is Paris.");
      expect(serialized).toContain("capital_extraction");
      expect(extraction.body["tools"]).toBeUndefined();
      // Temperature 0, except for models that refuse one (the catalog's reasoning models).
      if (provider === "openai") expect(extraction.body["temperature"]).toBeUndefined();
      else expect(extraction.body["temperature"]).toBe(0);
      if (provider === "openai") {
        expect(extraction.body["response_format"]).toEqual({
          type: "json_schema",
          json_schema: { name: "capital_extraction", schema: capitalSchema, strict: false },
        });
      } else {
        expect(extraction.body["response_format"]).toBeUndefined();
        expect(extraction.body["output_format"]).toBeUndefined();
      }
      // The main call never carries a response format.
      expect(sent[0]!.body["response_format"]).toBeUndefined();

      const events = await eventsOf(result.session_id);
      const types = events.map((event) => event.type);
      expect(types.slice(-2)).toEqual(["run_completed", "extraction_succeeded"]);
      expect(events.at(-2)?.payload).toMatchObject({
        result: "The capital of France is Paris.",
        extraction_required: true,
      });
      expect(events.at(-1)?.payload).toEqual({
        type: "extraction_succeeded",
        session_id: result.session_id,
        structured_output: france,
      });
      // Extraction calls are not turns of the loop and stream nothing.
      expect(types.filter((type) => type === "turn_started")).toHaveLength(1);
    });

    it("retries with the validation error and succeeds", async () => {
      const { status, result, sent } = await runWith({ model, output_schema: wrapper }, [
        { text: "Paris." },
        { json: { country: "France" } },
        { json: france },
      ]);
      expect(status).toBe(200);
      expect(result.structured_output).toEqual(france);
      expect(result.turns).toBe(3);
      expect(sent).toHaveLength(3);
      const retry = JSON.stringify(sent[2]!.body);
      expect(retry).toContain("must have required property 'capital'");
      expect(retry).toContain('{\\"country\\":\\"France\\"}');
      expect(JSON.stringify(sent[1]!.body)).not.toContain("must have required property");
    });

    it("reports exhausted retries with HTTP 200 and extraction_failed", async () => {
      const { status, result, sent } = await runWith(
        { model, output_schema: wrapper, structured_output_retries: 1 },
        [{ text: "Paris." }, { text: "Paris, France" }, { json: { capital: 7 } }],
      );
      expect(status).toBe(200);
      expect(result.text).toBe("Paris.");
      expect(result.structured_output).toBeNull();
      expect(result.turns).toBe(3);
      expect(sent).toHaveLength(3);
      expect(result.extraction_error).toMatchObject({
        attempts: 2,
        last_output: '{"capital":7}',
      });
      expect(result.extraction_error?.reason).toContain("no valid structured output after 2");
      expect(result.extraction_error?.reason).toContain("$.capital: must be string");

      const events = await eventsOf(result.session_id);
      expect(events.map((event) => event.type).slice(-2)).toEqual([
        "run_completed",
        "extraction_failed",
      ]);
      expect(events.at(-1)?.payload).toEqual({
        type: "extraction_failed",
        session_id: result.session_id,
        ...result.extraction_error,
      });
    });

    it("accepts JSON in a markdown fence, with a raw JSON Schema", async () => {
      const { status, result, sent } = await runWith({ model, output_schema: capitalSchema }, [
        { text: "Paris." },
        { text: `Here it is:\n\`\`\`json\n${JSON.stringify(france, null, 2)}\n\`\`\`` },
      ]);
      expect(status).toBe(200);
      expect(result.structured_output).toEqual(france);
      expect(result.turns).toBe(2);
      if (provider === "openai") {
        expect(sent[1]!.body["response_format"]).toMatchObject({
          json_schema: { name: "output", schema: capitalSchema },
        });
      }
    });

    it("reports a provider failure during extraction without failing the run", async () => {
      const { status, result } = await runWith({ model, output_schema: wrapper }, [
        { text: "Paris." },
        { error: { status: 400, message: "schema refused upstream" } },
      ]);
      expect(status).toBe(200);
      expect(result.text).toBe("Paris.");
      expect(result.structured_output).toBeNull();
      expect(result.turns).toBe(1);
      expect(result.extraction_error).toMatchObject({ attempts: 1, last_output: null });
      expect(result.extraction_error?.reason).toContain("schema refused upstream");
    });

    it("keeps extraction messages out of the transcript", async () => {
      const plain = await runWith({ model }, [{ text: "Paris." }]);
      const extracted = await runWith({ model, output_schema: wrapper }, [
        { text: "Paris." },
        { text: "not json" },
        { json: france },
      ]);
      expect(extracted.result.structured_output).toEqual(france);
      const roles = await historyRoles(extracted.result.session_id);
      expect(roles).toEqual(await historyRoles(plain.result.session_id));
      expect(roles).toEqual(["user", "block_assistant"]);

      // A follow-up turn (which keeps the session's schema) sees the main answer but none of
      // the extraction exchange.
      const marker = `follow-up-${randomUUID()}`;
      stack.fake.enqueue(
        [{ text: "Berlin." }, { json: { country: "Germany", capital: "Berlin" } }],
        {
          contains: marker,
        },
      );
      const next = await stack.request<RunResultBody>(
        "POST",
        `/sessions/${extracted.result.session_id}/messages`,
        { session_id: extracted.result.session_id, prompt: `And Germany? (${marker})` },
      );
      expect(next.status).toBe(200);
      expect(next.body.structured_output).toEqual({ country: "Germany", capital: "Berlin" });
      const main = stack.fake
        .requests()
        .find((request) => JSON.stringify(request.body).includes(marker));
      const sentMain = JSON.stringify(main?.body);
      expect(sentMain).toContain("Paris.");
      expect(sentMain).not.toContain("not json");
      expect(sentMain).not.toContain("capital_extraction");
      expect(await historyRoles(extracted.result.session_id)).toEqual([
        "user",
        "block_assistant",
        "user",
        "block_assistant",
      ]);
    });
  });

  describe("schema lowering", () => {
    const strictWrapper = {
      schema: {
        type: "object",
        properties: {
          code: { type: "string", pattern: "^[A-Z]{2}$" },
          name: { type: "string" },
        },
        required: ["code"],
      },
      name: "country code",
      strict: true,
    };

    it("openai: a lossy lowering sends the reduced schema, with schema_warnings", async () => {
      const { status, result, sent } = await runWith(
        { model: "gpt-5.4-mini", output_schema: strictWrapper },
        [{ text: "France is FR." }, { json: { code: "FR", name: "France" } }],
      );
      expect(status).toBe(200);
      expect(result.structured_output).toEqual({ code: "FR", name: "France" });
      expect(result.schema_warnings).toEqual([
        {
          provider: "openai",
          path: "#/properties/code",
          message: "dropped unsupported keyword 'pattern'",
        },
        { provider: "openai", path: "#", message: "optional properties made required: name" },
      ]);
      expect(sent[1]!.body["response_format"]).toEqual({
        type: "json_schema",
        json_schema: {
          name: "country_code",
          strict: true,
          schema: {
            type: "object",
            properties: { code: { type: "string" }, name: { type: "string" } },
            required: ["code", "name"],
            additionalProperties: false,
          },
        },
      });
      const events = await eventsOf(result.session_id);
      expect(events.at(-1)?.payload["schema_warnings"]).toEqual(result.schema_warnings);
    });

    it("openai: the output is still validated against the original schema", async () => {
      const { result, sent } = await runWith(
        { model: "gpt-5.4-mini", output_schema: strictWrapper },
        [{ text: "France is FR." }, { json: { code: "France" } }, { json: { code: "FR" } }],
      );
      expect(result.structured_output).toEqual({ code: "FR" });
      expect(JSON.stringify(sent[2]!.body)).toContain("must match pattern");
    });

    it("anthropic: no native mode, nothing lowered, no warnings", async () => {
      const { result, sent } = await runWith(
        { model: "claude-haiku-4-5", output_schema: strictWrapper },
        [{ text: "France is FR." }, { json: { code: "FR" } }],
      );
      expect(result.structured_output).toEqual({ code: "FR" });
      expect(result.schema_warnings).toBeNull();
      expect(JSON.stringify(sent[1]!.body)).toContain("^[A-Z]{2}$");
    });

    it("compat strict: a schema openai cannot take is refused up front, saying why", async () => {
      const { status, result, sent } = await runWith(
        { model: "gpt-5.4-mini", output_schema: { ...strictWrapper, compat: "strict" } },
        [{ text: "France is FR." }],
      );
      expect(status).toBe(400);
      expect(sent).toHaveLength(0);
      const error = result as unknown as { code: string; error: string };
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.error).toContain("#/properties/code: dropped unsupported keyword 'pattern'");
    });
  });

  it("the realm's agent.extraction_prompt replaces the instruction", async () => {
    const patched = await stack.request("PATCH", "/config", {
      agent: { extraction_prompt: "Emit the JSON now, nothing else." },
    });
    expect(patched.status).toBe(200);
    try {
      const { result, sent } = await runWith(
        { model: "claude-haiku-4-5", output_schema: wrapper },
        [{ text: "Paris." }, { json: france }],
      );
      expect(result.structured_output).toEqual(france);
      const prompt = JSON.stringify(sent[1]!.body);
      expect(prompt).toContain("Emit the JSON now, nothing else.");
      expect(prompt).not.toContain("Turn your previous answer into JSON");
    } finally {
      await stack.request("PATCH", "/config", { agent: { extraction_prompt: null } });
    }
  });
});
