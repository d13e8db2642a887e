import { describe, expect, it } from "vitest";
import { HELP_PLAN_REQUEST } from "@meerkat/shared/skills";
import { helpPrompt } from "./help.js";

describe("helpPrompt", () => {
  it("is the question alone by default", () => {
    expect(helpPrompt({ question: "  How do I add an MCP server? " })).toBe(
      "How do I add an MCP server?",
    );
  });

  it("adds the caller's context and, for plan_execution, asks for a plan", () => {
    const prompt = helpPrompt({
      question: "How do I schedule a digest?",
      prompt: "We run three realms.",
      execution_mode: "plan_execution",
    });
    expect(prompt).toBe(
      `How do I schedule a digest?\n\nAdditional context from the caller:\nWe run three realms.\n\n${HELP_PLAN_REQUEST}`,
    );
    expect(helpPrompt({ question: "q", execution_mode: "explain_only", prompt: " " })).toBe("q");
  });
});
