import { describe, expect, it } from "vitest";
import type { ProviderSettings } from "../domain/providers.js";
import { isAppError } from "../errors/index.js";
import { createProviderRegistry } from "./registry.js";

const EMPTY: ProviderSettings = {
  anthropic: {},
  openai: { api: "chat" },
  gemini: { baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai" },
  selfHosted: {},
};

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("createProviderRegistry", () => {
  it("refuses unconfigured providers with PROVIDER_ERROR and the reason", () => {
    const registry = createProviderRegistry(EMPTY);
    for (const [provider, hint] of [
      ["anthropic", "ANTHROPIC_API_KEY"],
      ["openai", "OPENAI_API_KEY"],
      ["gemini", "GEMINI_API_KEY"],
      ["self_hosted", "SELF_HOSTED_BASE_URL"],
      ["other", "SELF_HOSTED_BASE_URL"],
    ] as const) {
      const error = thrownBy(() => registry.get(provider));
      expect(isAppError(error) && error.code).toBe("PROVIDER_ERROR");
      expect(error instanceof Error && error.message).toContain(hint);
    }
  });

  it("builds each configured provider once", () => {
    const registry = createProviderRegistry({
      anthropic: { apiKey: "a" },
      openai: { apiKey: "o", api: "responses" },
      gemini: { apiKey: "g", baseUrl: "http://127.0.0.1:1/v1" },
      selfHosted: { baseUrl: "http://127.0.0.1:1/v1" },
    });
    for (const provider of ["anthropic", "openai", "gemini", "self_hosted", "other"] as const) {
      const adapter = registry.get(provider);
      expect(adapter.id).toBe(provider);
      expect(registry.get(provider)).toBe(adapter);
    }
  });
});
