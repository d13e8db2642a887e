import { describe, expect, it } from "vitest";
import {
  inferProviderFromModel,
  parseProviderId,
  providerUnavailableReason,
  type ProviderSettings,
} from "./providers.js";
import { parseDurationMs } from "./duration.js";
import { DEFAULT_REALM_CONFIG, parseRealmConfig } from "./realm-config.js";

describe("provider inference", () => {
  it.each([
    ["claude-opus-4-7", "anthropic"],
    ["gpt-5.5", "openai"],
    ["o3-mini", "openai"],
    ["o1", "openai"],
    ["gemini-3-flash-preview", "gemini"],
    ["llama-3.1-70b", undefined],
    ["omni-model", undefined],
  ])("%s → %s", (model, provider) => {
    expect(inferProviderFromModel(model)).toBe(provider);
  });

  it("parses provider names, accepting the reference's open_a_i spelling", () => {
    expect(parseProviderId("openai")).toBe("openai");
    expect(parseProviderId("open_a_i")).toBe("openai");
    expect(parseProviderId("azure")).toBeUndefined();
  });

  it("names the variable to set when a provider is not configured", () => {
    const settings: ProviderSettings = {
      anthropic: {},
      openai: { api: "chat" },
      gemini: { baseUrl: "https://example" },
      selfHosted: {},
    };
    expect(providerUnavailableReason("anthropic", settings)).toContain("ANTHROPIC_API_KEY");
    expect(providerUnavailableReason("openai", settings)).toContain("OPENAI_API_KEY");
    expect(providerUnavailableReason("gemini", settings)).toContain("GEMINI_API_KEY");
    expect(providerUnavailableReason("self_hosted", settings)).toContain("SELF_HOSTED_BASE_URL");
    expect(
      providerUnavailableReason("anthropic", { ...settings, anthropic: { apiKey: "k" } }),
    ).toBeUndefined();
  });
});

describe("durations", () => {
  it.each([
    [500, 500],
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    ["1m30s", 90_000],
    ["7d", 604_800_000],
    ["1500", 1500],
  ])("%s → %s ms", (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it.each(["", "ten seconds", "5x", "-1", "1s garbage"])("rejects %s", (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});

describe("realm config", () => {
  it("fills the contract's defaults", () => {
    expect(DEFAULT_REALM_CONFIG.agent.model).toBe("claude-opus-4-7");
    expect(DEFAULT_REALM_CONFIG.agent.max_tokens_per_turn).toBe(16_384);
    expect(DEFAULT_REALM_CONFIG.tools.schedule_enabled).toBe(true);
    expect(DEFAULT_REALM_CONFIG.tools.builtins_enabled).toBe(false);
    expect(DEFAULT_REALM_CONFIG.retry.max_retries).toBe(3);
    expect(DEFAULT_REALM_CONFIG.compaction.auto_compact_threshold).toBe(100_000);
  });

  it("rejects invalid values", () => {
    expect(() => parseRealmConfig({ agent: { max_tokens_per_turn: -1 } })).toThrow();
    expect(() => parseRealmConfig({ retry: { initial_delay: "soon" } })).toThrow();
  });
});
