import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { serviceIdentityEnv } from "./fragments.js";
import { loadConfig } from "./load.js";
import { releaseVersion, UNKNOWN_VERSION } from "./version.js";

const root = new URL("../../../../", import.meta.url);
const rootVersion = (
  JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { version: string }
).version;

describe("releaseVersion", () => {
  it("is the root package.json's version", () => {
    expect(rootVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(releaseVersion()).toBe(rootVersion);
  });

  it("matches the chart's appVersion, which the chart sets SERVICE_VERSION from", () => {
    const chart = readFileSync(new URL("infra/helm/meerkat/Chart.yaml", root), "utf8");
    expect(/^appVersion:\s*"?([^"\s]+)"?\s*$/m.exec(chart)?.[1]).toBe(rootVersion);
  });

  it("is unknown when the file is missing or has no version", () => {
    const dir = mkdtempSync(join(tmpdir(), "meerkat-version-"));
    try {
      expect(releaseVersion(pathToFileURL(join(dir, "absent.json")))).toBe(UNKNOWN_VERSION);
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x" }));
      expect(releaseVersion(pathToFileURL(join(dir, "package.json")))).toBe(UNKNOWN_VERSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SERVICE_VERSION", () => {
  const schema = z.object(serviceIdentityEnv);

  it("defaults to the release's version; blank is unset", () => {
    expect(loadConfig(schema, {}).SERVICE_VERSION).toBe(rootVersion);
    expect(loadConfig(schema, { SERVICE_VERSION: " " }).SERVICE_VERSION).toBe(rootVersion);
  });

  it("takes the environment's value when set", () => {
    expect(loadConfig(schema, { SERVICE_VERSION: "2.0.0-rc.1" }).SERVICE_VERSION).toBe(
      "2.0.0-rc.1",
    );
  });
});
