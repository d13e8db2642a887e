import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

const EMBEDDED = "00000000-0000-4b11-8111-000000000001";
const key = (skill_name: string) => ({ source_uuid: EMBEDDED, skill_name });
const ref = (skill_name: string) => ({ kind: "structured", ...key(skill_name) });
const MODEL = "claude-haiku-4-5";

interface ErrorBody {
  error: string;
  code: string;
  details?: { session_id?: string };
}

interface SkillList {
  skills: {
    key: { source_uuid: string; skill_name: string };
    name: string;
    description: string;
    scope: string;
    source: Record<string, unknown>;
    is_active: boolean;
  }[];
}

describe("skills", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apis: 1, workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  async function events(
    sessionId: string,
  ): Promise<{ type: string; payload: Record<string, unknown> }[]> {
    const { rows } = await stack.db.handle.pool.query<{
      type: string;
      payload: Record<string, unknown>;
    }>("select type, payload from session_events where session_id = $1 order by seq", [sessionId]);
    return rows;
  }

  /** The serialized body of the model request that carried `marker`. */
  function sentWith(marker: string): string {
    const request = stack.fake
      .requests()
      .find((candidate) => JSON.stringify(candidate.body).includes(marker));
    expect(request, `a model request containing ${marker}`).toBeDefined();
    return JSON.stringify(request?.body);
  }

  it("GET /skills lists the builtin skills with their provenance", async () => {
    const response = await stack.request<SkillList>("GET", "/skills");
    expect(response.status).toBe(200);
    const names = response.body.skills.map((skill) => skill.key.skill_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "task-workflow",
        "schedule-workflow",
        "shell-workflow",
        "memory-workflow",
        "multi-agent-comms",
        "meerkat-platform",
      ]),
    );
    expect(response.body.skills.find((skill) => skill.key.skill_name === "task-workflow")).toEqual({
      key: key("task-workflow"),
      name: "Task Workflow",
      description: "How to use task tools",
      scope: "builtin",
      source: {
        source_uuid: EMBEDDED,
        display_name: "embedded",
        transport_kind: "embedded",
        fingerprint: "embedded:inventory",
        status: "active",
      },
      is_active: true,
    });
  });

  it("injects preload_skills for the session and skill_refs for one turn", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "first turn with skills",
      model: MODEL,
      system_prompt: "Base prompt.",
      preload_skills: [key("meerkat-platform")],
      skill_refs: [ref("memory-workflow")],
      enable_memory: true,
    });
    expect(created.status).toBe(200);
    const first = sentWith("first turn with skills");
    expect(first).toContain("Base prompt.");
    expect(first).toContain("## Skill: Meerkat Platform");
    expect(first).toContain("## Skill: Memory Workflow");

    const sessionId = created.body.session_id;
    const resolved = (await events(sessionId)).filter((event) => event.type === "skills_resolved");
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.payload["skills"]).toEqual([
      key("meerkat-platform"),
      key("memory-workflow"),
    ]);
    expect(resolved[0]?.payload["injection_bytes"]).toBeGreaterThan(1_000);

    const next = await stack.request("POST", `/sessions/${sessionId}/messages`, {
      session_id: sessionId,
      prompt: "second turn keeps the preload only",
    });
    expect(next.status).toBe(200);
    const second = sentWith("second turn keeps the preload only");
    expect(second).toContain("## Skill: Meerkat Platform");
    expect(second).not.toContain("## Skill: Memory Workflow");
  });

  it("a session without skills emits no skills_resolved", async () => {
    const created = await stack.request<{ session_id: string }>("POST", "/sessions", {
      prompt: "no skills here",
      model: MODEL,
    });
    expect(created.status).toBe(200);
    const types = (await events(created.body.session_id)).map((event) => event.type);
    expect(types).not.toContain("skills_resolved");
    expect(sentWith("no skills here")).not.toContain("## Skill:");
  });

  it("an unknown skill fails with 404 SKILL_NOT_FOUND", async () => {
    const response = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "unknown skill",
      model: MODEL,
      preload_skills: [key("no-such-skill")],
    });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      code: "SKILL_NOT_FOUND",
      error: "Skill not found: no-such-skill",
    });
    // The model is never called.
    const called = stack.fake
      .requests()
      .some((request) => JSON.stringify(request.body).includes("unknown skill"));
    expect(called).toBe(false);
    // When the worker decided (rather than an API pre-check), the failure is on the stream.
    const sessionId = response.body.details?.session_id;
    if (sessionId) {
      const failed = (await events(sessionId)).find(
        (event) => event.type === "skill_resolution_failed",
      );
      expect(failed?.payload).toMatchObject({
        skill_key: key("no-such-skill"),
        error: "Skill not found: no-such-skill",
        reason: { reason_type: "not_found", key: key("no-such-skill") },
      });
    }
  });

  it("a skill whose capability is off fails with 422 SKILL_RESOLUTION_FAILED", async () => {
    const response = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "gated skill",
      model: MODEL,
      enable_schedule: false,
      skill_refs: [ref("schedule-workflow")],
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe("SKILL_RESOLUTION_FAILED");
    expect(response.body.error).toContain("schedule");

    // Switched on for the session, the same skill resolves.
    const allowed = await stack.request("POST", "/sessions", {
      prompt: "gated skill allowed",
      model: MODEL,
      enable_schedule: true,
      skill_refs: [ref("schedule-workflow")],
    });
    expect(allowed.status).toBe(200);
    expect(sentWith("gated skill allowed")).toContain("## Skill: Schedule Workflow");
  });

  it("a malformed reference fails with 422 SKILL_RESOLUTION_FAILED", async () => {
    const response = await stack.request<ErrorBody>("POST", "/sessions", {
      prompt: "malformed ref",
      model: MODEL,
      skill_refs: [{ source_uuid: EMBEDDED, skill_name: "meerkat-platform" }],
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe("SKILL_RESOLUTION_FAILED");
  });

  it("with skills disabled in config, GET /skills is 404 and requesting a skill is 422", async () => {
    const patched = await stack.request("PATCH", "/config", { skills: { enabled: false } });
    expect(patched.status).toBe(200);
    try {
      const listed = await stack.request<ErrorBody>("GET", "/skills");
      expect(listed.status).toBe(404);
      expect(listed.body).toEqual({ error: "skills not enabled", code: "NOT_FOUND" });

      const response = await stack.request<ErrorBody>("POST", "/sessions", {
        prompt: "skills are off",
        model: MODEL,
        preload_skills: [key("meerkat-platform")],
      });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe("SKILL_RESOLUTION_FAILED");

      const plain = await stack.request("POST", "/sessions", {
        prompt: "still fine",
        model: MODEL,
      });
      expect(plain.status).toBe(200);
    } finally {
      await stack.request("PATCH", "/config", { skills: { enabled: true } });
    }
    expect((await stack.request("GET", "/skills")).status).toBe(200);
  });
});
