import { hostname } from "node:os";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/poll.js";
import { startApi, type ApiProcess } from "../support/processes.js";
import { startStack, type Stack } from "../support/stack.js";

const CONTRACT_VERSION = { major: 0, minor: 6, patch: 6 };

type Status =
  | "Available"
  | { DisabledByPolicy: { description: string } }
  | { NotCompiled: { feature: string } };

interface Capabilities {
  contract_version: typeof CONTRACT_VERSION;
  capabilities: { id: string; description: string; status: Status }[];
}

interface RuntimeCapabilities {
  contract_version: typeof CONTRACT_VERSION;
  features: Record<string, boolean>;
}

interface Health {
  contract_version: typeof CONTRACT_VERSION;
  status: string;
  checks: Record<string, string>;
}

interface HostInfo {
  contract_version: typeof CONTRACT_VERSION;
  host_id: string;
  host_id_scope: string;
  process_name: string;
  process_version: string;
  capabilities: RuntimeCapabilities;
  health: Health;
  realm: { realm_id: string; instance_id: string | null; backend: string };
  endpoints: { rest_base_url: string | null; rest_paths: string[] };
}

interface Catalog {
  contract_version: typeof CONTRACT_VERSION;
  providers: {
    provider: string;
    default_model_id: string;
    models: {
      id: string;
      display_name: string;
      tier: string;
      context_window: number | null;
      max_output_tokens: number | null;
      server_id?: string;
      profile: Record<string, unknown>;
    }[];
  }[];
}

const HOST_PATHS = [
  "/capabilities",
  "/config",
  "/models/catalog",
  "/realms",
  "/realms/{id}",
  "/runtime/capabilities",
  "/runtime/health",
  "/runtime/host_info",
];

/**
 * A TCP relay to Redis that can start swallowing traffic: the connection stays up but nothing
 * answers, the failure a plain "connection refused" test would not catch.
 */
async function startBlackHoleRelay(target: URL): Promise<{
  url: string;
  swallow: () => void;
  close: () => Promise<void>;
}> {
  let swallowing = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    client.on("data", (chunk) => {
      if (!swallowing) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!swallowing) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const relayed = new URL(target);
  relayed.hostname = "127.0.0.1";
  relayed.port = String(typeof address === "object" && address ? address.port : 0);
  return {
    url: relayed.toString(),
    swallow: () => {
      swallowing = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("host surfaces: capabilities, runtime host, models catalog, realms", () => {
  let stack: Stack;
  let second: ApiProcess;

  beforeAll(async () => {
    stack = await startStack({ apis: 2, workers: 0 });
    second = stack.apis[1] as ApiProcess;
  });
  afterAll(async () => {
    await stack.close();
  });

  async function get<T>(path: string, api?: ApiProcess): Promise<T> {
    const response = await stack.request<T>("GET", path, undefined, api ? { api } : {});
    expect(response.status).toBe(200);
    return response.body;
  }

  async function patchConfig(patch: unknown): Promise<void> {
    const response = await stack.request("PATCH", "/config", patch);
    expect(response.status).toBe(200);
  }

  function statusOf(body: Capabilities, id: string): Status | undefined {
    return body.capabilities.find((entry) => entry.id === id)?.status;
  }

  it("lists the fourteen capabilities in contract order, resolved against the default config", async () => {
    const body = await get<Capabilities>("/capabilities");
    expect(body.contract_version).toEqual(CONTRACT_VERSION);
    expect(body.capabilities.map((entry) => entry.id)).toEqual([
      "sessions",
      "streaming",
      "structured_output",
      "hooks",
      "builtins",
      "shell",
      "comms",
      "memory_store",
      "schedule",
      "work_graph",
      "session_store",
      "session_compaction",
      "skills",
      "mcp_live",
    ]);
    const sessions = body.capabilities[0];
    expect(sessions).toEqual({
      id: "sessions",
      description: "Agent loop and session lifecycle",
      status: "Available",
    });
    expect(statusOf(body, "builtins")).toEqual({
      DisabledByPolicy: { description: "tools.builtins_enabled = false" },
    });
    expect(statusOf(body, "shell")).toEqual({
      DisabledByPolicy: {
        description: "tools.shell_enabled = false (or tools.builtins_enabled = false)",
      },
    });
    expect(statusOf(body, "work_graph")).toEqual({
      DisabledByPolicy: { description: "config.tools.workgraph_enabled is false" },
    });
    expect(statusOf(body, "schedule")).toBe("Available");
    expect(statusOf(body, "mcp_live")).toEqual({ NotCompiled: { feature: "mcp" } });
  });

  it("reports the runtime feature flags", async () => {
    const body = await get<RuntimeCapabilities>("/runtime/capabilities");
    expect(body).toEqual({
      contract_version: CONTRACT_VERSION,
      features: {
        approvals: false,
        artifacts: false,
        blobs: false,
        comms: false,
        event_replay: true,
        external_members: false,
        mcp_live: false,
        mobs: false,
        runtime_backed_sessions: true,
        schedules: true,
        secure_remote_rpc: false,
        session_events: true,
        session_streams: true,
        skills: true,
      },
    });
  });

  it("reports runtime health with a check per dependency", async () => {
    const body = await get<Health>("/runtime/health", second);
    expect(body).toEqual({
      contract_version: CONTRACT_VERSION,
      status: "ok",
      checks: { postgres: "ok", redis: "ok" },
    });
  });

  it("answers health within its timeout when Redis stops answering, as degraded", async () => {
    const relay = await startBlackHoleRelay(new URL(stack.env["REDIS_URL"] ?? ""));
    const api = await startApi({ ...stack.env, REDIS_URL: relay.url });
    try {
      expect((await get<Health>("/runtime/health", api)).status).toBe("ok");
      relay.swallow();
      const started = Date.now();
      const body = await get<Health>("/runtime/health", api);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(body).toEqual({
        contract_version: CONTRACT_VERSION,
        status: "degraded",
        checks: { postgres: "ok", redis: "timed out after 1000 ms" },
      });
    } finally {
      await api.kill();
      await relay.close();
    }
  });

  it("describes the host: process identity, realm, capabilities, health and endpoints", async () => {
    const body = await get<HostInfo>("/runtime/host_info");
    expect(body).toMatchObject({
      contract_version: CONTRACT_VERSION,
      host_id: `process:${hostname()}:${stack.api.child.pid}`,
      host_id_scope: "process",
      process_name: "meerkat-rest",
      realm: { realm_id: stack.realm, instance_id: null, backend: "postgres" },
      health: { status: "ok", checks: { postgres: "ok", redis: "ok" } },
      capabilities: { contract_version: CONTRACT_VERSION, features: { session_events: true } },
    });
    expect(body.process_version).not.toBe("");
    expect(body.endpoints.rest_base_url).toBe(stack.api.url);
    const paths = body.endpoints.rest_paths;
    expect(paths).toEqual([...new Set(paths)].sort());
    expect(paths).toEqual(expect.arrayContaining([...HOST_PATHS, "/sessions", "/sessions/{id}"]));
    expect(paths).not.toContain("/openapi.json");
  });

  it("scopes the host id to the realm instance when one is set", async () => {
    const instance = await startApi({ ...stack.env }, ["--instance", "blue"]);
    try {
      const body = await get<HostInfo>("/runtime/host_info", instance);
      expect(body.host_id).toBe(`realm-instance:${stack.realm}:blue`);
      expect(body.host_id_scope).toBe("realm_instance");
      expect(body.realm.instance_id).toBe("blue");
      expect(body.endpoints.rest_base_url).toBe(instance.url);
    } finally {
      await instance.stop();
    }
  });

  it("serves the model catalog by provider with each provider's default", async () => {
    const body = await get<Catalog>("/models/catalog");
    expect(body.contract_version).toEqual(CONTRACT_VERSION);
    expect(body.providers.map((entry) => [entry.provider, entry.default_model_id])).toEqual([
      ["anthropic", "claude-opus-4-7"],
      ["openai", "gpt-5.5"],
      ["gemini", "gemini-3-flash-preview"],
    ]);
    const opus = body.providers[0]?.models.find((model) => model.id === "claude-opus-4-7");
    expect(opus).toMatchObject({
      display_name: "Claude Opus 4.7",
      tier: "recommended",
      context_window: 1_000_000,
      max_output_tokens: 128_000,
      profile: { model_family: "claude-opus-4", supports_thinking: true },
    });
    for (const provider of body.providers) {
      expect(provider.models.map((model) => model.id)).toContain(provider.default_model_id);
    }
  });

  it("lists the stack's realm and reads its connection set", async () => {
    const list = await get<{ realms: Record<string, unknown>[] }>("/realms", second);
    expect(list.realms).toContainEqual({
      realm_id: stack.realm,
      backend_count: 0,
      auth_profile_count: 0,
      binding_count: 0,
    });
    const one = await get<Record<string, unknown>>(`/realms/${stack.realm}`);
    expect(one).toEqual({ realm_id: stack.realm, backends: {}, auth_profiles: {}, bindings: {} });
  });

  it("answers 404 NOT_FOUND for an unknown realm", async () => {
    const response = await stack.request<{ error: string; code: string }>("GET", "/realms/unknown");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: "Realm not found: unknown", code: "NOT_FOUND" });
  });

  it("documents every host route in /openapi.json", async () => {
    const document = await get<{ paths: Record<string, Record<string, unknown>> }>("/openapi.json");
    for (const path of HOST_PATHS) expect(document.paths).toHaveProperty([path]);
    expect(Object.keys(document.paths["/config"] ?? {}).sort()).toEqual(["get", "patch", "put"]);
  });

  // Changes the realm config: keep after the tests that expect the defaults.
  it("follows a config change made through the other replica", async () => {
    await patchConfig({
      agent: { model: "gpt-5.4-mini" },
      tools: { builtins_enabled: true, shell_enabled: true, comms_enabled: true },
      self_hosted: {
        servers: [{ id: "gpu-a", base_url: "http://127.0.0.1:9/v1", models: ["llama-4-scout"] }],
      },
    });
    // The request path caches the realm config briefly (about a second) per replica.
    const capabilities = await waitFor(
      async () => {
        const body = await get<Capabilities>("/capabilities", second);
        return statusOf(body, "shell") === "Available" ? body : undefined;
      },
      { what: "shell to become available on the second replica" },
    );
    expect(statusOf(capabilities, "comms")).toBe("Available");
    expect(statusOf(capabilities, "builtins")).toBe("Available");

    const features = await get<RuntimeCapabilities>("/runtime/capabilities", second);
    expect(features.features["comms"]).toBe(true);

    const catalog = await get<Catalog>("/models/catalog", second);
    const defaults = Object.fromEntries(
      catalog.providers.map((entry) => [entry.provider, entry.default_model_id]),
    );
    expect(defaults).toEqual({
      anthropic: "claude-opus-4-7",
      openai: "gpt-5.4-mini",
      gemini: "gemini-3-flash-preview",
      self_hosted: "llama-4-scout",
    });
    expect(catalog.providers[3]?.models).toEqual([
      expect.objectContaining({ id: "llama-4-scout", server_id: "gpu-a", tier: "supported" }),
    ]);
  });
});
