/** Pieces of GET /runtime/host_info that do not need the network. */

/** The reference server's process name; clients use it to recognise a Meerkat REST host. */
export const PROCESS_NAME = "meerkat-rest";

export interface HostIdentity {
  host_id: string;
  host_id_scope: "process" | "realm_instance";
}

/**
 * An explicit instance id names a stable host (`realm-instance:<realm>:<instance>`); without
 * one the id is only stable for this process.
 */
export function hostIdentity(
  realmId: string,
  instanceId: string | undefined,
  /** This replica's identity (hostname:pid): a bare pid collides across containers. */
  replica: string,
): HostIdentity {
  if (instanceId !== undefined && instanceId !== "") {
    return { host_id: `realm-instance:${realmId}:${instanceId}`, host_id_scope: "realm_instance" };
  }
  return { host_id: `process:${replica}`, host_id_scope: "process" };
}

export interface ListenAddress {
  address: string;
  family: string;
  port: number;
}

/**
 * `http://host:port` of the first TCP address the server listens on; null before it listens
 * (or when it listens on a socket path only, which has no URL).
 */
export function restBaseUrl(addresses: readonly (ListenAddress | string)[]): string | null {
  const first = addresses.find((address) => typeof address !== "string");
  if (!first) return null;
  const host = first.family === "IPv6" ? `[${first.address}]` : first.address;
  return `http://${host}:${first.port}`;
}

/** The documented paths (`/sessions/{id}` style), sorted and unique. */
export function restPaths(documentedPaths: Record<string, unknown> | undefined): string[] {
  return [...new Set(Object.keys(documentedPaths ?? {}))].sort();
}
