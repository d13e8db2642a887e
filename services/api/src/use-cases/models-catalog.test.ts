import { describe, expect, it } from "vitest";
import { BUILTIN_CATALOG, parseRealmConfig } from "@meerkat/shared/domain";
import { buildModelsCatalog } from "./models-catalog.js";

describe("buildModelsCatalog", () => {
  it("groups the built-in catalog by provider with each provider's default", () => {
    const catalog = buildModelsCatalog(parseRealmConfig({}));
    expect(catalog.contract_version).toEqual({ major: 0, minor: 6, patch: 6 });
    expect(
      catalog.providers.map(({ provider, default_model_id }) => [provider, default_model_id]),
    ).toEqual([
      ["anthropic", "claude-opus-4-7"],
      ["openai", "gpt-5.5"],
      ["gemini", "gemini-3-flash-preview"],
    ]);
    const listed = catalog.providers.flatMap((provider) =>
      provider.models.map((model) => model.id),
    );
    expect(listed).toEqual(BUILTIN_CATALOG.map((model) => model.id));
    expect(catalog.providers[0]?.models[0]).toEqual({
      id: "claude-opus-4-7",
      display_name: "Claude Opus 4.7",
      tier: "recommended",
      context_window: 1_000_000,
      max_output_tokens: 128_000,
      profile: expect.objectContaining({
        model_family: "claude-opus-4",
        supports_temperature: false,
      }) as unknown,
    });
  });

  it("makes the realm's model the default of the provider that lists it, and only that one", () => {
    const catalog = buildModelsCatalog(parseRealmConfig({ agent: { model: "gpt-5.4-mini" } }));
    const defaults = Object.fromEntries(
      catalog.providers.map((provider) => [provider.provider, provider.default_model_id]),
    );
    expect(defaults).toEqual({
      anthropic: "claude-opus-4-7",
      openai: "gpt-5.4-mini",
      gemini: "gemini-3-flash-preview",
    });
  });

  it("adds configured self-hosted models with their server, and omits the provider otherwise", () => {
    const config = parseRealmConfig({
      agent: { model: "qwen3-32b" },
      self_hosted: {
        servers: [
          { id: "gpu-a", base_url: "http://gpu-a:8000/v1", models: ["llama-4", "qwen3-32b"] },
          { id: "gpu-b", base_url: "http://gpu-b:8000/v1" },
        ],
      },
    });
    const selfHosted = buildModelsCatalog(config).providers[3];
    expect(selfHosted?.provider).toBe("self_hosted");
    expect(selfHosted?.default_model_id).toBe("qwen3-32b");
    expect(selfHosted?.models.map((model) => [model.id, model.server_id, model.tier])).toEqual([
      ["llama-4", "gpu-a", "supported"],
      ["qwen3-32b", "gpu-a", "supported"],
    ]);
    expect(selfHosted?.models[0]?.profile.params_schema).toEqual({});

    const withoutModels = parseRealmConfig({
      self_hosted: { servers: [{ id: "empty", base_url: "http://empty:8000/v1" }] },
    });
    expect(buildModelsCatalog(withoutModels).providers).toHaveLength(3);
  });
});
