/**
 * What this runtime can do, resolved against a realm config: GET /capabilities (the contract's
 * capability registry) and GET /runtime/capabilities (host feature flags). Pure.
 */
import type { RealmConfig } from "@meerkat/shared/domain";

export const CONTRACT_VERSION = { major: 0, minor: 6, patch: 6 } as const;
export type ContractVersion = typeof CONTRACT_VERSION;

/** The contract's CapabilityId enum, in its declared order (the response keeps it). */
export const CAPABILITY_IDS = [
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
] as const;
export type CapabilityId = (typeof CAPABILITY_IDS)[number];

export type CapabilityStatus =
  | "Available"
  | { DisabledByPolicy: { description: string } }
  | { NotCompiled: { feature: string } }
  | { NotSupportedByProtocol: { reason: string } };

export interface CapabilityEntry {
  id: CapabilityId;
  description: string;
  status: CapabilityStatus;
}

/**
 * The reference's descriptions where they describe this service too; where they name its
 * internals (SQLite, HNSW, Rust types) the wording says what the capability is instead.
 */
const DESCRIPTIONS: Record<CapabilityId, string> = {
  sessions: "Agent loop and session lifecycle",
  streaming: "Event streaming during agent execution",
  structured_output: "Schema-validated JSON output extraction",
  hooks: "8 hook points, 3 runtimes (in_process, command, http)",
  builtins: "Built-in tools: task_list, task_create, task_get, task_update, datetime",
  shell: "Shell tool with job management: shell, shell_jobs, shell_job_status, shell_job_cancel",
  comms: "Inter-agent communication: send_message, send_request, send_response, peers",
  memory_store: "Semantic memory search over session history (memory_search)",
  schedule: "Realm-scoped durable schedules and occurrence delivery",
  work_graph: "Realm-scoped dependency-aware durable work graph",
  session_store: "Persistent sessions: transcripts, usage and events stored in Postgres",
  session_compaction: "History compaction: older turns summarised when the context grows large",
  skills: "Skill loading, resolution, and injection",
  mcp_live: "Live MCP server mutation (add/remove/reload on running sessions)",
};

interface PolicyGate {
  enabled: (config: RealmConfig) => boolean;
  /** The DisabledByPolicy description (the reference's wording where it has one). */
  whenDisabled: string;
}

/** Capabilities a realm config can switch off; every other one is on when compiled in. */
const POLICY_GATES: Partial<Record<CapabilityId, PolicyGate>> = {
  builtins: {
    enabled: (config) => config.tools.builtins_enabled,
    whenDisabled: "tools.builtins_enabled = false",
  },
  shell: {
    // The shell tool is one of the builtins: it needs both switches.
    enabled: (config) => config.tools.shell_enabled && config.tools.builtins_enabled,
    whenDisabled: "tools.shell_enabled = false (or tools.builtins_enabled = false)",
  },
  comms: {
    enabled: (config) => config.tools.comms_enabled,
    whenDisabled: "tools.comms_enabled = false",
  },
  memory_store: {
    enabled: (config) => config.tools.memory_enabled,
    whenDisabled: "tools.memory_enabled = false",
  },
  schedule: {
    enabled: (config) => config.tools.schedule_enabled,
    whenDisabled: "config.tools.schedule_enabled is false",
  },
  work_graph: {
    enabled: (config) => config.tools.workgraph_enabled,
    whenDisabled: "config.tools.workgraph_enabled is false",
  },
  session_compaction: {
    enabled: (config) => config.compaction.enabled,
    whenDisabled: "config.compaction.enabled is false",
  },
  skills: {
    enabled: (config) => config.skills.enabled,
    whenDisabled: "config.skills.enabled is false",
  },
};

/** Not built into this service at all: no config can turn these on. */
const NOT_COMPILED: Partial<Record<CapabilityId, string>> = { mcp_live: "mcp" };

export function capabilityStatus(id: CapabilityId, config: RealmConfig): CapabilityStatus {
  const feature = NOT_COMPILED[id];
  if (feature !== undefined) return { NotCompiled: { feature } };
  const gate = POLICY_GATES[id];
  if (gate && !gate.enabled(config)) {
    return { DisabledByPolicy: { description: gate.whenDisabled } };
  }
  return "Available";
}

export function resolveCapabilities(config: RealmConfig): CapabilityEntry[] {
  return CAPABILITY_IDS.map((id) => ({
    id,
    description: DESCRIPTIONS[id],
    status: capabilityStatus(id, config),
  }));
}

export interface RuntimeFeatures {
  approvals: boolean;
  artifacts: boolean;
  blobs: boolean;
  comms: boolean;
  event_replay: boolean;
  external_members: boolean;
  mcp_live: boolean;
  mobs: boolean;
  runtime_backed_sessions: boolean;
  schedules: boolean;
  secure_remote_rpc: boolean;
  session_events: boolean;
  session_streams: boolean;
  skills: boolean;
}

/**
 * Host feature flags. Fixed ones describe this service (sessions run on workers and their events
 * are stored and replayable; there is no blob store, MCP, mobs or RPC surface); the rest follow
 * the realm config like the capability registry does.
 */
export function runtimeFeatures(config: RealmConfig): RuntimeFeatures {
  return {
    approvals: false,
    artifacts: false,
    blobs: false,
    comms: config.tools.comms_enabled,
    event_replay: true,
    external_members: false,
    mcp_live: false,
    mobs: false,
    runtime_backed_sessions: true,
    schedules: config.tools.schedule_enabled,
    secure_remote_rpc: false,
    session_events: true,
    session_streams: true,
    skills: config.skills.enabled,
  };
}
