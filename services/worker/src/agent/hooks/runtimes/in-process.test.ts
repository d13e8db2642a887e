import type { Logger } from "@meerkat/shared/observability";
import { describe, expect, it } from "vitest";
import type { HookInvocation } from "../invocation.js";
import type { HookPayload, HookPoint } from "../types.js";
import { invokeInProcess } from "./in-process.js";

const lines: { level: string; fields: unknown; msg: string }[] = [];
const logger = Object.fromEntries(
  ["debug", "info", "warn"].map((level) => [
    level,
    (fields: unknown, msg: string) => lines.push({ level, fields, msg }),
  ]),
) as unknown as Logger;

function invocation(point: HookPoint, payload: HookPayload): HookInvocation {
  return { hook_id: "h", point, session_id: "s", turn_id: "t", payload };
}

describe("builtin in-process hooks", () => {
  it("deny_all denies with its configured reason", async () => {
    await expect(
      invokeInProcess("deny_all", undefined, invocation("run_started", {}), logger),
    ).resolves.toEqual({
      decision: {
        decision: "deny",
        reason_code: "policy_violation",
        message: "hook 'h' denies run_started",
      },
    });
    await expect(
      invokeInProcess(
        "deny_all",
        { reason_code: "safety_violation", message: "closed" },
        invocation("turn_boundary", {}),
        logger,
      ),
    ).resolves.toMatchObject({ decision: { reason_code: "safety_violation", message: "closed" } });
  });

  describe("deny_tools", () => {
    const call = (tool: string, args: Record<string, unknown>) =>
      invocation("pre_tool_execution", { tool, call_id: "c", args });

    it("denies listed tools only", async () => {
      const config = { tools: ["shell"] };
      await expect(
        invokeInProcess("deny_tools", config, call("shell", {}), logger),
      ).resolves.toMatchObject({
        decision: { decision: "deny", message: "tool 'shell' is not allowed here" },
      });
      await expect(
        invokeInProcess("deny_tools", config, call("datetime", {}), logger),
      ).resolves.toEqual({});
    });

    it("matches the arguments' JSON when given a pattern (both must hold with tools)", async () => {
      const config = { tools: ["shell"], args_pattern: "rm\\s+-rf", ignore_case: true };
      await expect(
        invokeInProcess("deny_tools", config, call("shell", { command: "RM -rf /" }), logger),
      ).resolves.toHaveProperty("decision.decision", "deny");
      await expect(
        invokeInProcess("deny_tools", config, call("shell", { command: "ls" }), logger),
      ).resolves.toEqual({});
      await expect(
        invokeInProcess(
          "deny_tools",
          { args_pattern: "secret" },
          call("any", { q: "secret" }),
          logger,
        ),
      ).resolves.toHaveProperty("decision.decision", "deny");
    });
  });

  describe("redact_text", () => {
    const config = { patterns: ["\\d{4}-\\d{4}", "password"], ignore_case: true };

    it("rewrites the point's text field", async () => {
      await expect(
        invokeInProcess(
          "redact_text",
          config,
          invocation("post_llm_response", { text: "card 1234-5678, PASSWORD ok" }),
          logger,
        ),
      ).resolves.toEqual({ patch: { text: "card [REDACTED], [REDACTED] ok" } });
      await expect(
        invokeInProcess(
          "redact_text",
          { ...config, replacement: "$&" },
          invocation("pre_llm_request", { system: "password" }),
          logger,
        ),
      ).resolves.toEqual({ patch: { system: "$&" } });
    });

    it("redacts the text blocks of a prompt and leaves images alone", async () => {
      const image = { type: "image", media_type: "image/png", source: "blob", blob_id: "b1" };
      await expect(
        invokeInProcess(
          "redact_text",
          config,
          invocation("run_started", { prompt: [{ type: "text", text: "my password" }, image] }),
          logger,
        ),
      ).resolves.toEqual({ patch: { prompt: [{ type: "text", text: "my [REDACTED]" }, image] } });
    });

    it("answers nothing when there is nothing to redact", async () => {
      await expect(
        invokeInProcess(
          "redact_text",
          config,
          invocation("post_tool_execution", { content: "fine" }),
          logger,
        ),
      ).resolves.toEqual({});
    });
  });

  it("log writes one line with the payload's keys, not its values", async () => {
    lines.length = 0;
    await expect(
      invokeInProcess("log", {}, invocation("post_llm_response", { text: "private" }), logger),
    ).resolves.toEqual({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      msg: "hook invoked",
      fields: { point: "post_llm_response", payloadKeys: ["text"] },
    });
    expect(JSON.stringify(lines[0])).not.toContain("private");
  });

  it("fails on an unknown name or an invalid config", async () => {
    await expect(
      invokeInProcess("nope", undefined, invocation("run_started", {}), logger),
    ).rejects.toThrow("unknown in_process hook 'nope'");
    await expect(
      invokeInProcess("redact_text", { patterns: [] }, invocation("run_started", {}), logger),
    ).rejects.toThrow("invalid config for in_process hook 'redact_text'");
  });
});
