import { describe, expect, it } from "vitest";
import { DEFAULT_REALM_CONFIG, parseRealmConfig } from "@meerkat/shared/domain";
import { isAppError } from "@meerkat/shared/errors";
import { assertProviderAvailable, resolveModel } from "./resolve-model.js";

describe("resolveModel", () => {
  it("defaults to the realm's model", () => {
    expect(resolveModel(undefined, undefined, DEFAULT_REALM_CONFIG)).toEqual({
      model: "claude-opus-4-7",
      provider: "anthropic",
    });
  });

  it("infers from the catalog, then from the name, else other", () => {
    expect(resolveModel("gpt-5.5", null, DEFAULT_REALM_CONFIG).provider).toBe("openai");
    expect(resolveModel("claude-experimental", null, DEFAULT_REALM_CONFIG).provider).toBe(
      "anthropic",
    );
    expect(resolveModel("llama-3", null, DEFAULT_REALM_CONFIG).provider).toBe("other");
  });

  it("uses configured self-hosted models", () => {
    const config = parseRealmConfig({
      self_hosted: {
        servers: [{ id: "local", base_url: "http://127.0.0.1:8000/v1", models: ["llama-3"] }],
      },
    });
    expect(resolveModel("llama-3", undefined, config).provider).toBe("self_hosted");
  });

  it("honours an explicit provider, but not one that contradicts the catalog", () => {
    expect(resolveModel("my-model", "self_hosted", DEFAULT_REALM_CONFIG).provider).toBe(
      "self_hosted",
    );
    expect(() => resolveModel("gpt-5.5", "anthropic", DEFAULT_REALM_CONFIG)).toThrow(
      /does not serve/,
    );
    expect(() => resolveModel("gpt-5.5", "azure", DEFAULT_REALM_CONFIG)).toThrow(
      /Invalid provider/,
    );
  });

  it("keeps the session's provider when only a non-catalog model changes", () => {
    const fallback = { model: "fake-a", provider: "self_hosted" as const };
    expect(resolveModel("fake-b", undefined, DEFAULT_REALM_CONFIG, fallback).provider).toBe(
      "other",
    );
    expect(resolveModel(undefined, undefined, DEFAULT_REALM_CONFIG, fallback)).toEqual(fallback);
  });

  const noKeys = {
    anthropic: {},
    openai: { api: "chat" as const },
    gemini: { baseUrl: "https://x" },
    selfHosted: {},
  };

  it("answers 502 PROVIDER_ERROR naming the variable when the key is missing", () => {
    try {
      assertProviderAvailable(
        { provider: "openai", model: "gpt-5.5" },
        noKeys,
        DEFAULT_REALM_CONFIG,
      );
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe("PROVIDER_ERROR");
      expect((error as Error).message).toContain("OPENAI_API_KEY");
    }
  });

  it("needs no SELF_HOSTED_BASE_URL for a model a configured server lists, only for others", () => {
    const config = parseRealmConfig({
      self_hosted: {
        servers: [{ id: "local", base_url: "http://127.0.0.1:8000/v1", models: ["llama-3"] }],
      },
    });
    expect(() => {
      assertProviderAvailable({ provider: "self_hosted", model: "llama-3" }, noKeys, config);
    }).not.toThrow();
    expect(() => {
      assertProviderAvailable({ provider: "self_hosted", model: "mistral" }, noKeys, config);
    }).toThrow(/SELF_HOSTED_BASE_URL/);
  });
});
