import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeRequestRecord, FakeToolCall } from "@meerkat/fake-provider";
import { waitFor } from "../support/poll.js";
import { startStack, type Stack } from "../support/stack.js";
import {
  errorResult,
  jsonResult,
  toolResultsOf,
  type SeenResult,
} from "../support/tool-results.js";

interface RunResult {
  session_id: string;
  text: string;
  tool_calls: number;
}

interface Turn {
  result: RunResult;
  /** What the model saw for each tool call id (from the follow-up provider requests). */
  seen: Map<string, SeenResult>;
  requests: FakeRequestRecord[];
}

const MODEL = "claude-haiku-4-5";
const OUTPUT_CAP = 4_000;

describe("builtin, shell and memory tools through real api and worker processes", () => {
  let stack: Stack;
  let workRoot: string;

  beforeAll(async () => {
    workRoot = await mkdtemp(join(tmpdir(), "meerkat-tools-"));
    stack = await startStack({ apis: 1, workers: 1, env: { MEERKAT_WORK_DIR: workRoot } });
    const patched = await stack.request("PATCH", "/config", {
      shell: { max_output_bytes: OUTPUT_CAP },
    });
    expect(patched.status).toBe(200);
  });
  afterAll(async () => {
    await stack.close();
    await rm(workRoot, { recursive: true, force: true });
  });

  /**
   * Runs one turn whose model calls the given tools, one list per step, then answers `done`.
   * `marker` is in the prompt, hence in every request of the turn, so the scripted replies
   * only match this turn's requests.
   */
  async function turn(
    marker: string,
    steps: FakeToolCall[][],
    options: { sessionId?: string; body?: Record<string, unknown> } = {},
  ): Promise<Turn> {
    stack.fake.enqueue([...steps.map((toolCalls) => ({ toolCalls })), { text: "done" }], {
      contains: marker,
    });
    const response = options.sessionId
      ? await stack.request<RunResult>("POST", `/sessions/${options.sessionId}/messages`, {
          session_id: options.sessionId,
          prompt: marker,
          ...options.body,
        })
      : await stack.request<RunResult>("POST", "/sessions", {
          model: MODEL,
          prompt: marker,
          ...options.body,
        });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const requests = stack.fake
      .requests()
      .filter((request) => JSON.stringify(request.body).includes(marker));
    return { result: response.body, seen: toolResultsOf(requests.at(-1)), requests };
  }

  function offeredTools(request: FakeRequestRecord | undefined): string[] | undefined {
    const tools = request?.body["tools"] as { name: string }[] | undefined;
    return tools?.map((tool) => tool.name);
  }

  function workDirOf(sessionId: string): string {
    return join(workRoot, stack.realm, sessionId);
  }

  describe("which tools are offered", () => {
    it("offers no tools to a session that switches the default-on families off", async () => {
      const { requests } = await turn("plain-session-nothing-on", [], {
        body: { enable_memory: false, enable_schedule: false },
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]?.body["tools"]).toBeUndefined();
    });

    it("offers no builtin, shell or memory tools by default", async () => {
      const { requests } = await turn("plain-session-defaults", []);
      const names = offeredTools(requests[0]) ?? [];
      expect(names).not.toContain("task_create");
      expect(names).not.toContain("datetime");
      expect(names).not.toContain("shell");
      expect(names).not.toContain("memory_save");
    });

    it("does not offer shell when shell is enabled but builtins are not", async () => {
      const set = await stack.request("PATCH", "/config", { tools: { shell_enabled: true } });
      expect(set.status).toBe(200);
      try {
        const without = await turn("shell-without-builtins", []);
        const names = offeredTools(without.requests[0]) ?? [];
        expect(names).not.toContain("shell");
        expect(names).not.toContain("shell_job_status");
        expect(names).not.toContain("task_create");

        const withBuiltins = await turn("shell-with-builtins", [], {
          body: { enable_builtins: true },
        });
        expect(offeredTools(withBuiltins.requests[0])).toEqual(
          expect.arrayContaining([
            "task_create",
            "task_get",
            "task_list",
            "task_update",
            "datetime",
            "shell",
            "shell_jobs",
            "shell_job_status",
            "shell_job_cancel",
          ]),
        );
      } finally {
        await stack.request("PATCH", "/config", { tools: { shell_enabled: null } });
      }
    });
  });

  describe("tasks", () => {
    it("are shared by the sessions of a realm: create in one, list and update in another", async () => {
      const created = await turn(
        "plan-the-quarterly-report",
        [
          [
            {
              id: "call_create_1",
              name: "task_create",
              args: {
                subject: "Write the report",
                description: "Draft all sections",
                labels: ["docs", "q3"],
                metadata: { pages: 10, draft: true },
                owner: "writer",
              },
            },
            {
              id: "call_create_2",
              name: "task_create",
              args: { subject: "Review the report", description: "", priority: "high" },
            },
          ],
        ],
        { body: { enable_builtins: true } },
      );
      expect(created.result.tool_calls).toBe(2);
      expect(created.result.text).toBe("done");
      const writeTask = jsonResult(created.seen, "call_create_1");
      expect(writeTask).toMatchObject({
        subject: "Write the report",
        description: "Draft all sections",
        status: "pending",
        priority: "medium",
        labels: ["docs", "q3"],
        blocks: [],
        blocked_by: [],
        owner: "writer",
        metadata: { pages: 10, draft: true },
        created_by_session: created.result.session_id,
      });
      expect(Date.parse(String(writeTask["created_at"]))).not.toBeNaN();
      const reviewTask = jsonResult(created.seen, "call_create_2") as {
        id: string;
        priority: string;
      };
      expect(reviewTask.priority).toBe("high");

      const { rows } = await stack.db.handle.pool.query<{ id: string; realm_id: string }>(
        "select id, realm_id from tasks order by created_at",
      );
      expect(rows.map((row) => row.id)).toEqual(
        expect.arrayContaining([writeTask["id"], reviewTask.id]),
      );
      expect(new Set(rows.map((row) => row.realm_id))).toEqual(new Set([stack.realm]));

      const other = await turn(
        "work-on-the-quarterly-report",
        [
          [
            { id: "call_list", name: "task_list", args: { status: "pending", labels: ["docs"] } },
            {
              id: "call_update",
              name: "task_update",
              args: {
                id: writeTask["id"],
                status: "in_progress",
                metadata: { draft: null, reviewer: "ana" },
                add_blocks: [reviewTask.id],
                owner: null,
              },
            },
            { id: "call_missing", name: "task_get", args: { id: "no-such-task" } },
            {
              id: "call_bad_status",
              name: "task_update",
              args: { id: reviewTask.id, status: "done" },
            },
          ],
          [{ id: "call_get", name: "task_get", args: { id: reviewTask.id } }],
        ],
        { body: { enable_builtins: true } },
      );
      expect(other.result.session_id).not.toBe(created.result.session_id);
      expect(other.result.tool_calls).toBe(5);
      const listed = jsonResult(other.seen, "call_list") as unknown as { id: string }[];
      expect(listed.map((task) => task.id)).toEqual([writeTask["id"]]);
      const updated = jsonResult(other.seen, "call_update");
      expect(updated).toMatchObject({
        id: writeTask["id"],
        status: "in_progress",
        metadata: { pages: 10, reviewer: "ana" },
        blocks: [reviewTask.id],
        created_by_session: created.result.session_id,
        updated_by_session: other.result.session_id,
      });
      expect(updated).not.toHaveProperty("owner");
      expect(Date.parse(String(updated["updated_at"]))).toBeGreaterThanOrEqual(
        Date.parse(String(writeTask["updated_at"])),
      );
      expect(errorResult(other.seen, "call_missing")).toContain("Task not found: no-such-task");
      expect(errorResult(other.seen, "call_bad_status")).toContain("status");
      expect(jsonResult(other.seen, "call_get") as { id: string; status: string }).toMatchObject({
        id: reviewTask.id,
        status: "pending",
      });

      // The history holds the calls and their results; the events came in contract order.
      const history = await stack.request<{
        messages: { role: string; blocks?: { block_type: string }[]; results?: unknown[] }[];
      }>("GET", `/sessions/${other.result.session_id}/history`);
      expect(history.body.messages.map((message) => message.role)).toEqual([
        "user",
        "block_assistant",
        "tool_results",
        "block_assistant",
        "tool_results",
        "block_assistant",
      ]);
      expect(
        history.body.messages[1]?.blocks?.filter((block) => block.block_type === "tool_use"),
      ).toHaveLength(4);
      expect(history.body.messages[2]?.results).toHaveLength(4);

      const events = await stack.db.handle.pool.query<{ type: string; payload: { id?: string } }>(
        "select type, payload from session_events where session_id = $1 order by seq",
        [other.result.session_id],
      );
      const toolEvents = events.rows.filter((row) => row.type.startsWith("tool_"));
      const order = (type: string, id: string) =>
        toolEvents.findIndex((row) => row.type === type && row.payload.id === id);
      for (const id of [
        "call_list",
        "call_update",
        "call_missing",
        "call_bad_status",
        "call_get",
      ]) {
        const requested = order("tool_call_requested", id);
        const started = order("tool_execution_started", id);
        const completed = order("tool_execution_completed", id);
        const received = order("tool_result_received", id);
        expect(requested, id).toBeGreaterThanOrEqual(0);
        expect(started, id).toBeGreaterThan(requested);
        expect(completed, id).toBeGreaterThan(started);
        expect(received, id).toBe(completed + 1);
      }
    });
  });

  it("datetime answers in UTC or a named zone, and refuses an unknown zone", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { seen } = await turn(
      "what-time-is-it-now",
      [
        [
          { id: "call_utc", name: "datetime", args: {} },
          { id: "call_tokyo", name: "datetime", args: { timezone: "Asia/Tokyo" } },
          { id: "call_nowhere", name: "datetime", args: { timezone: "Nowhere/Land" } },
        ],
      ],
      { body: { enable_builtins: true } },
    );
    const utc = jsonResult(seen, "call_utc");
    expect(utc["timezone"]).toBe("UTC");
    expect(utc["unix_timestamp"]).toBeGreaterThanOrEqual(before);
    expect(String(utc["iso8601"])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const tokyo = jsonResult(seen, "call_tokyo");
    expect(String(tokyo["iso8601"])).toMatch(/\+09:00$/);
    expect(Object.keys(tokyo).sort()).toEqual([
      "date",
      "day",
      "iso8601",
      "month",
      "time",
      "timezone",
      "unix_timestamp",
      "weekday",
      "year",
    ]);
    expect(errorResult(seen, "call_nowhere")).toContain("Nowhere/Land");
  });

  describe("shell", () => {
    const shellOn = { enable_builtins: true, enable_shell: true };

    it("runs commands in the session's working directory and keeps them inside it", async () => {
      const { result, seen } = await turn(
        "shell-basics-please",
        [
          [
            {
              id: "call_echo",
              name: "shell",
              args: { command: "echo hello; pwd; mkdir -p sub/deeper; echo oops >&2" },
            },
          ],
          [
            { id: "call_sub", name: "shell", args: { command: "pwd", working_dir: "sub/deeper" } },
            { id: "call_escape", name: "shell", args: { command: "pwd", working_dir: "../.." } },
            { id: "call_abs", name: "shell", args: { command: "pwd", working_dir: "/etc" } },
            { id: "call_exit", name: "shell", args: { command: "exit 3" } },
          ],
        ],
        { body: shellOn },
      );
      const workDir = workDirOf(result.session_id);
      const echo = jsonResult(seen, "call_echo");
      expect(echo).toMatchObject({
        exit_code: 0,
        stdout: `hello\n${workDir}\n`,
        stderr: "oops\n",
        timed_out: false,
      });
      expect(typeof echo["duration_secs"]).toBe("number");
      expect(jsonResult(seen, "call_sub")["stdout"]).toBe(`${workDir}/sub/deeper\n`);
      expect(errorResult(seen, "call_escape")).toContain("outside the session's working directory");
      expect(errorResult(seen, "call_abs")).toContain("outside the session's working directory");
      expect(jsonResult(seen, "call_exit")).toMatchObject({ exit_code: 3, timed_out: false });
    });

    it("kills a command and everything it started when it times out", async () => {
      const started = Date.now();
      const { seen } = await turn(
        "shell-that-times-out",
        [
          [
            {
              id: "call_slow",
              name: "shell",
              args: { command: "sleep 5 & echo $!; wait", timeout_secs: 1 },
            },
          ],
        ],
        { body: shellOn },
      );
      const slow = jsonResult(seen, "call_slow") as {
        exit_code: number | null;
        stdout: string;
        timed_out: boolean;
        duration_secs: number;
      };
      expect(slow.timed_out).toBe(true);
      expect(slow.exit_code).toBeNull();
      expect(slow.duration_secs).toBeLessThan(4);
      expect(Date.now() - started).toBeLessThan(5_000);
      const pid = Number(slow.stdout.trim());
      expect(pid).toBeGreaterThan(0);
      await waitFor(async () => ((await isAlive(pid)) ? undefined : true), {
        what: `process ${pid} to be gone`,
        timeoutMs: 3_000,
      });
    });

    it("a command that prints NUL bytes does not break the turn", async () => {
      const { result, seen } = await turn(
        "shell-binary-output",
        [[{ id: "call_nul", name: "shell", args: { command: "printf 'a\\000b'" } }]],
        { body: shellOn },
      );
      expect(result.text).toBe("done");
      // The result is JSON text: the model sees the byte escaped, and Postgres stores it so.
      expect(jsonResult(seen, "call_nul")).toMatchObject({ exit_code: 0, stdout: "a\u0000b" });
      const history = await stack.request<{ messages: unknown[] }>(
        "GET",
        `/sessions/${result.session_id}/history`,
      );
      expect(JSON.stringify(history.body)).toContain("a\\\\u0000b");
    });

    it("caps output at max_output_bytes, keeping the last bytes", async () => {
      const { seen } = await turn(
        "shell-with-lots-of-output",
        [
          [
            {
              id: "call_big",
              name: "shell",
              args: { command: "head -c 20000 /dev/zero | tr '\\0' a; echo THE-END" },
            },
          ],
        ],
        { body: shellOn },
      );
      const big = jsonResult(seen, "call_big") as { stdout: string; exit_code: number };
      expect(big.exit_code).toBe(0);
      expect(big.stdout).toContain("output truncated");
      expect(big.stdout.endsWith("aaaaTHE-END\n")).toBe(true);
      expect(big.stdout.length).toBeLessThan(OUTPUT_CAP + 200);
    });

    it("gives commands a scrubbed environment plus the session's shell_env", async () => {
      const { result, seen } = await turn(
        "shell-environment-check",
        [[{ id: "call_env", name: "shell", args: { command: "env" } }]],
        { body: { ...shellOn, shell_env: { PROJECT_NAME: "alpha-project" } } },
      );
      const stdout = (jsonResult(seen, "call_env") as { stdout: string }).stdout;
      const names = stdout
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => line.slice(0, line.indexOf("=")));
      expect(stdout).toContain("PROJECT_NAME=alpha-project");
      expect(stdout).toContain(`HOME=${workDirOf(result.session_id)}`);
      expect(stdout).toContain("TERM=dumb");
      for (const secret of ["DATABASE_URL", "REDIS_URL", "QUEUE_PREFIX", "MEERKAT_REALM"]) {
        expect(names).not.toContain(secret);
      }
      expect(names.filter((name) => name.endsWith("_API_KEY"))).toEqual([]);
      expect(stdout).not.toContain("test-anthropic-key");
    });

    it("refuses commands outside the allow list", async () => {
      const set = await stack.request("PATCH", "/config", {
        shell: { security_mode: "allow_list", security_patterns: ["echo *"] },
      });
      expect(set.status).toBe(200);
      try {
        const { seen } = await turn(
          "shell-allow-list",
          [
            [
              { id: "call_allowed", name: "shell", args: { command: "echo allowed" } },
              { id: "call_refused", name: "shell", args: { command: "echo hi; rm -rf /tmp/x" } },
            ],
          ],
          { body: shellOn },
        );
        expect(jsonResult(seen, "call_allowed")["stdout"]).toBe("allowed\n");
        expect(errorResult(seen, "call_refused")).toContain("rm -rf /tmp/x");
      } finally {
        await stack.request("PATCH", "/config", {
          shell: { security_mode: null, security_patterns: null },
        });
      }
    });

    it("runs background jobs that later turns can poll, list and cancel", async () => {
      const first = await turn(
        "start-background-jobs",
        [
          [
            {
              id: "call_bg",
              name: "shell",
              args: { command: "sleep 1; echo bg-finished", background: true },
            },
            {
              id: "call_long",
              name: "shell",
              args: { command: "sleep 30", background: true, timeout_secs: 60 },
            },
          ],
        ],
        { body: shellOn },
      );
      const sessionId = first.result.session_id;
      const bg = jsonResult(first.seen, "call_bg") as {
        job_id: string;
        status: string;
        message: string;
      };
      expect(bg.job_id).toMatch(/^job_[0-9a-f-]{36}$/);
      expect(bg.status).toBe("running");
      expect(bg.message).toContain("shell_job_status");
      const long = jsonResult(first.seen, "call_long") as { job_id: string };

      let poll = 0;
      const done = await waitFor(
        async () => {
          poll += 1;
          const { seen } = await turn(
            `poll-background-job-round-${poll}-x`,
            [
              [
                {
                  id: `call_status_${poll}`,
                  name: "shell_job_status",
                  args: { job_id: bg.job_id },
                },
              ],
            ],
            { sessionId },
          );
          const status = jsonResult(seen, `call_status_${poll}`);
          expect(["running", "completed"]).toContain(status["status"]);
          return status["status"] === "completed" ? status : undefined;
        },
        { what: "the background job to complete", timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(done).toMatchObject({
        job_id: bg.job_id,
        status: "completed",
        exit_code: 0,
        stdout: "bg-finished\n",
        timed_out: false,
      });

      const last = await turn(
        "list-and-cancel-jobs",
        [
          [
            { id: "call_jobs", name: "shell_jobs", args: {} },
            { id: "call_cancel", name: "shell_job_cancel", args: { job_id: long.job_id } },
            { id: "call_unknown", name: "shell_job_status", args: { job_id: "job_unknown" } },
          ],
          [{ id: "call_cancel_again", name: "shell_job_cancel", args: { job_id: long.job_id } }],
        ],
        { sessionId },
      );
      const jobs = jsonResult(last.seen, "call_jobs") as unknown as { job_id: string }[];
      expect(jobs.map((job) => job.job_id).sort()).toEqual([bg.job_id, long.job_id].sort());
      expect(jsonResult(last.seen, "call_cancel")).toMatchObject({
        job_id: long.job_id,
        status: "cancelled",
      });
      expect(errorResult(last.seen, "call_unknown")).toContain("do not survive a worker restart");
      expect(errorResult(last.seen, "call_cancel_again")).toContain("not running");
    });
  });

  describe("memory", () => {
    it("saves in one session and finds it from another session of the realm", async () => {
      const saved = await turn(
        "remember-the-colour",
        [
          [
            {
              id: "call_save",
              name: "memory_save",
              args: { content: "The customer's favourite colour is teal", tags: ["prefs"] },
            },
            {
              id: "call_save_other",
              name: "memory_save",
              args: { content: "Deployments happen on Tuesdays" },
            },
          ],
        ],
        { body: { enable_memory: true } },
      );
      const ack = jsonResult(saved.seen, "call_save") as { id: string; saved: boolean };
      expect(ack.saved).toBe(true);
      const { rows } = await stack.db.handle.pool.query<{
        session_id: string;
        turn: number;
        source: string;
        tags: string[];
        realm_id: string;
      }>("select session_id, turn, source, tags, realm_id from memories where id = $1", [ack.id]);
      expect(rows[0]).toEqual({
        session_id: saved.result.session_id,
        turn: 0,
        source: "agent",
        tags: ["prefs"],
        realm_id: stack.realm,
      });
      // A memory of another realm with the same words must never be found.
      await stack.db.handle.pool.query(
        `insert into memories (id, realm_id, source, content)
         values ('0193a000-0000-7000-8000-0000000000ff', 'another-realm', 'agent',
                 'The customer favourite colour is red')`,
      );

      const found = await turn(
        "what-did-we-learn",
        [
          [
            { id: "call_search", name: "memory_search", args: { query: "favourite colour" } },
            {
              id: "call_loose",
              name: "memory_search",
              args: { query: "customer colour preference", limit: 1 },
            },
            { id: "call_none", name: "memory_search", args: { query: "kubernetes" } },
            { id: "call_too_many", name: "memory_search", args: { query: "x", limit: 50 } },
          ],
        ],
        { body: { enable_memory: true } },
      );
      expect(found.result.session_id).not.toBe(saved.result.session_id);
      const hits = jsonResult(found.seen, "call_search") as unknown as Record<string, unknown>[];
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({
        content: "The customer's favourite colour is teal",
        session_id: saved.result.session_id,
        turn: 0,
        tags: ["prefs"],
        source: "agent",
      });
      expect(hits[0]?.["score"]).toBeGreaterThan(0);
      const loose = jsonResult(found.seen, "call_loose") as unknown as { content: string }[];
      expect(loose.map((hit) => hit.content)).toEqual(["The customer's favourite colour is teal"]);
      expect(jsonResult(found.seen, "call_none")).toEqual([]);
      expect(errorResult(found.seen, "call_too_many")).toContain("limit");
    });
  });
});

/** Alive and not a zombie (a reaped-late zombie is dead for our purposes). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
