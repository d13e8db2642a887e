import { readFileSync } from "node:fs";

/**
 * The repository's root package.json, from src/config or dist/config alike. The images copy it
 * to /app/package.json, beside the packages, so the same path holds there.
 */
const ROOT_PACKAGE_JSON = new URL("../../../../package.json", import.meta.url);

/** What SERVICE_VERSION defaults to when the release's package.json cannot be read. */
export const UNKNOWN_VERSION = "unknown";

/**
 * The release's version: the `version` of the root package.json, read when called (at start-up,
 * as the config is parsed), never at import.
 */
export function releaseVersion(file: URL = ROOT_PACKAGE_JSON): string {
  try {
    const { version } = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
    if (typeof version === "string" && version.trim() !== "") return version.trim();
  } catch {
    // A missing or unreadable file: the version is unknown, which is no reason not to start.
  }
  return UNKNOWN_VERSION;
}
