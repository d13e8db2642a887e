import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";

interface RunResult {
  session_id: string;
  text: string;
}
interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}
interface EventRow {
  type: string;
  payload: Record<string, unknown>;
}

const MODEL = "claude-haiku-4-5";

/**
 * One hook program for every command case, chosen by its first argument. It is started without
 * a shell, gets the invocation JSON on stdin and answers one JSON object on stdout.
 */
const HOOK_PROGRAM = `#!/usr/bin/env node
import { writeFileSync } from "node:fs";
const [mode, arg, extra] = process.argv.slice(2);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const invocation = JSON.parse(input);
const payload = invocation.payload;
const answer = (value) => process.stdout.write(JSON.stringify(value));
switch (mode) {
  case "append-system":
    answer({ patch: { system: (payload.system ?? "") + " " + arg + " " + process.env.HOOK_SUFFIX } });
    break;
  case "deny-prompt":
    if (JSON.stringify(payload.prompt).includes(arg)) {
      answer({ decision: { decision: "deny", reason_code: "policy_violation", message: "prompt mentions " + arg } });
    } else answer({ decision: { decision: "allow" } });
    break;
  case "deny-tool":
    if (payload.tool === arg) {
      answer({ decision: { decision: "deny", reason_code: "safety_violation", message: "no " + arg } });
    } else answer({});
    break;
  case "set-args":
    answer({ patch: { args: JSON.parse(arg) } });
    break;
  case "sleep":
    writeFileSync(extra, String(process.pid));
    setTimeout(() => answer({}), Number(arg));
    break;
  case "sleep-then-mark":
    setTimeout(() => { writeFileSync(extra, "done"); answer({}); }, Number(arg));
    break;
  case "crash":
    process.stderr.write("kaboom");
    process.exit(3);
}
`;

describe("hooks around a run, with real runtimes", () => {
  let stack: Stack;
  let dir: string;
  let program: string;
  let server: Server;
  let serverUrl: string;
  const received: { headers: IncomingMessage["headers"]; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "meerkat-hooks-"));
    program = join(dir, "hook.mjs");
    await writeFile(program, HOOK_PROGRAM);
    await chmod(program, 0o755);
    server = createServer((request, response) => {
      let raw = "";
      request.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      request.on("end", () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        received.push({ headers: request.headers, body });
        const payload = body["payload"] as { text: string };
        response.setHeader("content-type", "application/json");
        if (request.url === "/broken") {
          response.statusCode = 500;
          response.end("nope");
          return;
        }
        response.end(
          JSON.stringify({ patch: { text: payload.text.replaceAll("secret", "[gone]") } }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stack = await startStack({
      apis: 1,
      workers: 1,
      env: { MEERKAT_HOOK_RUNTIMES: "in_process,command,http" },
    });
  });
  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function events(sessionId: string): Promise<EventRow[]> {
    const { rows } = await stack.db.handle.pool.query<EventRow>(
      "select type, payload from session_events where session_id = $1 order by seq",
      [sessionId],
    );
    return rows;
  }

  function command(args: string[], env: Record<string, string> = {}) {
    return { type: "command", command: program, args, env };
  }

  it("a deny_all guardrail on run_started answers 403 HOOK_DENIED; the session stays usable", async () => {
    const denied = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "never reaches the model",
      model: MODEL,
      hooks_override: {
        entries: [
          {
            id: "gate",
            point: "run_started",
            capability: "guardrail",
            runtime: { type: "in_process", name: "deny_all" },
            config: { message: "closed for maintenance" },
          },
        ],
      },
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      code: "HOOK_DENIED",
      error: "closed for maintenance",
      details: { hook_id: "gate", reason_code: "policy_violation", point: "run_started" },
    });
    const sessionId = String(denied.body.details?.["session_id"]);
    expect(
      stack.fake.requests().some((r) => JSON.stringify(r.body).includes("never reaches")),
    ).toBe(false);
    const rows = await events(sessionId);
    expect(rows.find((row) => row.type === "hook_denied")?.payload).toEqual({
      type: "hook_denied",
      hook_id: "gate",
      point: "run_started",
      reason_code: "policy_violation",
      message: "closed for maintenance",
    });
    expect(rows.at(-1)?.payload).toMatchObject({ type: "run_failed", error_class: "hook" });

    // A new override replaces the stored one: the next turn runs.
    const next = await stack.request<RunResult>("POST", `/sessions/${sessionId}/messages`, {
      session_id: sessionId,
      prompt: "let me in",
      hooks_override: { entries: [] },
    });
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.body.text).toBe("Echo: let me in");
  });

  it("a command hook rewrites the system prompt before each model call (args and env passed)", async () => {
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "rewrite my system prompt",
      model: MODEL,
      system_prompt: "Be brief.",
      hooks_override: {
        entries: [
          {
            id: "sys",
            point: "pre_llm_request",
            capability: "rewrite",
            runtime: command(["append-system", "Always cite."], { HOOK_SUFFIX: "(v2)" }),
          },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const sent = stack.fake
      .requests()
      .find((r) => JSON.stringify(r.body).includes("rewrite my system prompt"));
    expect(JSON.stringify(sent?.body["system"])).toContain("Be brief. Always cite. (v2)");
    const types = (await events(created.body.session_id)).map((row) => row.type);
    // Between the step's start and the model's first token.
    expect(types.indexOf("hook_started")).toBeGreaterThan(types.indexOf("turn_started"));
    expect(types.indexOf("hook_completed")).toBeLessThan(types.indexOf("text_delta"));
  });

  it("a command guardrail denies what it is written to deny and allows the rest", async () => {
    const override = {
      entries: [
        {
          id: "no-forbidden",
          point: "run_started",
          capability: "guardrail",
          runtime: command(["deny-prompt", "forbidden"]),
        },
      ],
    };
    const allowed = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "a fine question",
      model: MODEL,
      hooks_override: override,
    });
    expect(allowed.status).toBe(200);
    const denied = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "a forbidden question",
      model: MODEL,
      hooks_override: override,
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      code: "HOOK_DENIED",
      error: "prompt mentions forbidden",
      details: { hook_id: "no-forbidden", reason_code: "policy_violation" },
    });
  });

  let datetimeOffered: boolean | undefined;
  /** Tool points need a tool: the builtin `datetime` (asserted to be offered). */
  async function datetimeTool(): Promise<boolean> {
    if (datetimeOffered !== undefined) return datetimeOffered;
    const probe = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "which tools do you have",
      model: MODEL,
      enable_builtins: true,
    });
    const offered = stack.fake
      .requests()
      .find((r) => JSON.stringify(r.body).includes("which tools do you have"));
    datetimeOffered =
      probe.status === 200 && JSON.stringify(offered?.body["tools"] ?? []).includes('"datetime"');
    return datetimeOffered;
  }

  it("a command hook on pre_tool_execution denies one tool", async () => {
    expect(await datetimeTool(), "the datetime builtin is offered").toBe(true);
    stack.fake.enqueue(
      { toolCalls: [{ name: "datetime", args: {} }], stopReason: "tool_use" },
      { contains: "what time is it" },
    );
    const denied = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "what time is it",
      model: MODEL,
      enable_builtins: true,
      hooks_override: {
        entries: [
          {
            id: "no-clock",
            point: "pre_tool_execution",
            capability: "guardrail",
            runtime: command(["deny-tool", "datetime"]),
          },
        ],
      },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.details).toMatchObject({
      hook_id: "no-clock",
      reason_code: "safety_violation",
      point: "pre_tool_execution",
    });
  });

  it("tool hooks rewrite the arguments before and the result after the tool", async () => {
    expect(await datetimeTool(), "the datetime builtin is offered").toBe(true);
    stack.fake.enqueue(
      { toolCalls: [{ name: "datetime", args: {} }], stopReason: "tool_use" },
      { contains: "time in japan" },
    );
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "time in japan",
      model: MODEL,
      enable_builtins: true,
      hooks_override: {
        entries: [
          {
            id: "to-tokyo",
            point: "pre_tool_execution",
            capability: "rewrite",
            runtime: command(["set-args", JSON.stringify({ timezone: "Asia/Tokyo" })]),
          },
          {
            id: "hide-city",
            point: "post_tool_execution",
            capability: "rewrite",
            runtime: { type: "in_process", name: "redact_text" },
            config: { patterns: ["Tokyo"], replacement: "[city]" },
          },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const completed = (await events(created.body.session_id)).find(
      (row) => row.type === "tool_execution_completed",
    );
    expect(completed?.payload["result"]).toContain('"timezone":"Asia/[city]"');
    // The model's next request carries the rewritten result.
    const followUp = stack.fake
      .requests()
      .filter((r) => JSON.stringify(r.body).includes("time in japan"))
      .at(-1);
    expect(JSON.stringify(followUp?.body)).toContain("Asia/[city]");
  });

  it("an http hook rewrites the model's answer; the transcript keeps the rewrite", async () => {
    stack.fake.enqueue({ text: "the secret is 42" }, { contains: "tell me the secret" });
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "tell me the secret",
      model: MODEL,
      hooks_override: {
        entries: [
          {
            id: "scrub",
            point: "post_llm_response",
            capability: "rewrite",
            runtime: {
              type: "http",
              url: `${serverUrl}/scrub`,
              headers: { "x-hook-token": "t0k" },
            },
          },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.text).toBe("the [gone] is 42");
    const call = received.find((r) => r.body["hook_id"] === "scrub");
    expect(call?.headers["x-hook-token"]).toBe("t0k");
    expect(call?.body).toMatchObject({
      hook_id: "scrub",
      point: "post_llm_response",
      session_id: created.body.session_id,
      payload: { step: 0, text: "the secret is 42", stop_reason: "end_turn", tool_calls: [] },
    });
    expect(typeof call?.body["turn_id"]).toBe("string");
    const { rows } = await stack.db.handle.pool.query<{ body: unknown }>(
      "select body from messages where session_id = $1 and role = 'block_assistant'",
      [created.body.session_id],
    );
    expect(rows[0]?.body).toMatchObject({
      blocks: [{ block_type: "text", data: { text: "the [gone] is 42" } }],
    });
  });

  it("a failing http hook with fail_open is reported and the run goes on", async () => {
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "carry on",
      model: MODEL,
      hooks_override: {
        entries: [
          {
            id: "flaky",
            point: "post_llm_response",
            capability: "rewrite",
            runtime: { type: "http", url: `${serverUrl}/broken` },
          },
        ],
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.text).toBe("Echo: carry on");
    const failed = (await events(created.body.session_id)).find(
      (row) => row.type === "hook_failed",
    );
    expect(failed?.payload).toEqual({
      type: "hook_failed",
      hook_id: "flaky",
      point: "post_llm_response",
      error: "hook answered HTTP 500: nope",
    });
  });

  describe("a hook that outlives its timeout", () => {
    const slow = (id: string, pidFile: string, failurePolicy: string) => ({
      id,
      point: "run_started",
      capability: "guardrail",
      failure_policy: failurePolicy,
      timeout_ms: 300,
      runtime: command(["sleep", "30000", pidFile]),
    });

    async function expectKilled(pidFile: string): Promise<void> {
      const pid = Number(await readFile(pidFile, "utf8"));
      await waitFor(
        () => {
          try {
            process.kill(pid, 0);
            return undefined;
          } catch {
            return true;
          }
        },
        { what: "the timed-out hook process to be killed" },
      );
    }

    it("fail_open: the run continues after hook_failed, and the process is killed", async () => {
      const pidFile = join(dir, "open.pid");
      const created = await stack.request<RunResult>("POST", "/sessions", {
        prompt: "slow but open",
        model: MODEL,
        hooks_override: { entries: [slow("slow-open", pidFile, "fail_open")] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const failed = (await events(created.body.session_id)).find(
        (row) => row.type === "hook_failed",
      );
      expect(failed?.payload).toMatchObject({
        hook_id: "slow-open",
        error: "hook timed out after 300 ms",
      });
      await expectKilled(pidFile);
    });

    it("fail_closed: the run is denied with reason_code timeout", async () => {
      const pidFile = join(dir, "closed.pid");
      const denied = await stack.request<ErrorBody>("POST", "/sessions", {
        prompt: "slow and closed",
        model: MODEL,
        hooks_override: { entries: [slow("slow-closed", pidFile, "fail_closed")] },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({
        code: "HOOK_DENIED",
        details: { hook_id: "slow-closed", reason_code: "timeout" },
      });
      await expectKilled(pidFile);
    });
  });

  it("a crashing command hook with fail_closed denies with runtime_error and says why", async () => {
    const denied = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "crash",
      model: MODEL,
      hooks_override: {
        entries: [
          {
            id: "crashy",
            point: "pre_llm_request",
            capability: "rewrite",
            failure_policy: "fail_closed",
            runtime: command(["crash"]),
          },
        ],
      },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.details).toMatchObject({ hook_id: "crashy", reason_code: "runtime_error" });
    expect(denied.body.error).toContain("exited with code 3: kaboom");
  });

  it("hooks_override.disable removes a realm-config hook", async () => {
    const patched = await stack.request("PATCH", "/config", {
      hooks: {
        entries: [
          {
            id: "realm-gate",
            point: "run_started",
            capability: "guardrail",
            runtime: { type: "in_process", name: "deny_all" },
          },
        ],
      },
    });
    expect(patched.status).toBe(200);
    try {
      const denied = await stack.request<ErrorBody>("POST", "/sessions", {
        prompt: "realm says no",
        model: MODEL,
      });
      expect(denied.status).toBe(403);
      expect(denied.body.details).toMatchObject({ hook_id: "realm-gate" });
      const allowed = await stack.request<RunResult>("POST", "/sessions", {
        prompt: "but I opt out",
        model: MODEL,
        hooks_override: { disable: ["realm-gate"] },
      });
      expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
      expect(allowed.body.text).toBe("Echo: but I opt out");
    } finally {
      await stack.request("PATCH", "/config", { hooks: { entries: [] } });
    }
  });

  it("a background hook does not hold the run", async () => {
    const marker = join(dir, "background.done");
    const created = await stack.request<RunResult>("POST", "/sessions", {
      prompt: "do not wait for the observer",
      model: MODEL,
      hooks_override: {
        entries: [
          {
            id: "audit",
            point: "run_started",
            mode: "background",
            runtime: command(["sleep-then-mark", "3000", marker]),
          },
        ],
      },
    });
    expect(created.status).toBe(200);
    // The run has committed while the hook is still sleeping.
    await expect(readFile(marker, "utf8")).rejects.toThrow();
    const rows = await events(created.body.session_id);
    expect(rows.filter((row) => row.type === "hook_started")).toHaveLength(1);
    expect(rows.some((row) => row.type === "hook_completed")).toBe(false);
    expect(rows.at(-1)?.type).toBe("run_completed");
    // It still runs to its end on its own.
    await waitFor(() => readFile(marker, "utf8").catch(() => undefined), {
      what: "the background hook to finish",
    });
  });
});
