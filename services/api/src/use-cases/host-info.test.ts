import { describe, expect, it } from "vitest";
import { hostIdentity, restBaseUrl, restPaths } from "./host-info.js";

describe("hostIdentity", () => {
  it("is realm-instance scoped when an instance id is set, else process scoped", () => {
    expect(hostIdentity("prod", "a1", "pod-1:42")).toEqual({
      host_id: "realm-instance:prod:a1",
      host_id_scope: "realm_instance",
    });
    expect(hostIdentity("prod", undefined, "pod-1:42")).toEqual({
      host_id: "process:pod-1:42",
      host_id_scope: "process",
    });
  });
});

describe("restBaseUrl", () => {
  it("formats IPv4 and bracketed IPv6 addresses, null when not listening", () => {
    expect(restBaseUrl([{ address: "127.0.0.1", family: "IPv4", port: 8080 }])).toBe(
      "http://127.0.0.1:8080",
    );
    expect(restBaseUrl([{ address: "::1", family: "IPv6", port: 9000 }])).toBe("http://[::1]:9000");
    expect(restBaseUrl([])).toBeNull();
    expect(restBaseUrl(["/tmp/api.sock"])).toBeNull();
  });
});

describe("restPaths", () => {
  it("sorts the documented paths", () => {
    expect(restPaths({ "/sessions/{id}": {}, "/config": {}, "/sessions": {} })).toEqual([
      "/config",
      "/sessions",
      "/sessions/{id}",
    ]);
    expect(restPaths(undefined)).toEqual([]);
  });
});
