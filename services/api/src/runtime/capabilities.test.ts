import { describe, expect, it } from "vitest";
import { parseRealmConfig } from "@meerkat/shared/domain";
import {
  CAPABILITY_IDS,
  capabilityStatus,
  resolveCapabilities,
  runtimeFeatures,
} from "./capabilities.js";

const defaults = parseRealmConfig({});

describe("resolveCapabilities", () => {
  it("lists the contract's fourteen ids in order, each described", () => {
    const entries = resolveCapabilities(defaults);
    expect(entries.map((entry) => entry.id)).toEqual([
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
    for (const entry of entries) expect(entry.description).not.toBe("");
  });

  it("disables builtins, shell, comms and work_graph by default, with the reference's wording", () => {
    const byId = Object.fromEntries(
      resolveCapabilities(defaults).map((entry) => [entry.id, entry.status]),
    );
    expect(byId).toEqual({
      sessions: "Available",
      streaming: "Available",
      structured_output: "Available",
      hooks: "Available",
      builtins: { DisabledByPolicy: { description: "tools.builtins_enabled = false" } },
      shell: {
        DisabledByPolicy: {
          description: "tools.shell_enabled = false (or tools.builtins_enabled = false)",
        },
      },
      comms: { DisabledByPolicy: { description: "tools.comms_enabled = false" } },
      memory_store: { DisabledByPolicy: { description: "tools.memory_enabled = false" } },
      schedule: "Available",
      work_graph: {
        DisabledByPolicy: { description: "config.tools.workgraph_enabled is false" },
      },
      session_store: "Available",
      session_compaction: "Available",
      skills: "Available",
      mcp_live: { NotCompiled: { feature: "mcp" } },
    });
  });

  it("follows every config switch", () => {
    const allOn = parseRealmConfig({
      tools: {
        builtins_enabled: true,
        shell_enabled: true,
        comms_enabled: true,
        memory_enabled: true,
        workgraph_enabled: true,
      },
    });
    const allOff = parseRealmConfig({
      tools: { memory_enabled: false, schedule_enabled: false },
      compaction: { enabled: false },
      skills: { enabled: false },
    });
    for (const id of CAPABILITY_IDS) {
      if (id === "mcp_live") continue;
      expect(capabilityStatus(id, allOn)).toBe("Available");
    }
    expect(capabilityStatus("schedule", allOff)).toEqual({
      DisabledByPolicy: { description: "config.tools.schedule_enabled is false" },
    });
    expect(capabilityStatus("skills", allOff)).toEqual({
      DisabledByPolicy: { description: "config.skills.enabled is false" },
    });
    expect(capabilityStatus("memory_store", allOff)).toEqual({
      DisabledByPolicy: { description: "tools.memory_enabled = false" },
    });
    expect(capabilityStatus("session_compaction", allOff)).toEqual({
      DisabledByPolicy: { description: "config.compaction.enabled is false" },
    });
  });

  it("never reports mcp_live, which this service does not have, as available", () => {
    expect(capabilityStatus("mcp_live", parseRealmConfig({}))).toEqual({
      NotCompiled: { feature: "mcp" },
    });
  });
});

describe("runtimeFeatures", () => {
  it("fixes what the service is and reads comms, schedules and skills from config", () => {
    expect(runtimeFeatures(defaults)).toEqual({
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
    });
    const changed = runtimeFeatures(
      parseRealmConfig({
        tools: { comms_enabled: true, schedule_enabled: false },
        skills: { enabled: false },
      }),
    );
    expect(changed).toMatchObject({ comms: true, schedules: false, skills: false });
  });
});
