import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestDatabase, uniquePrefix, type TestDatabase } from "../support/db.js";
import { waitFor } from "../support/poll.js";
import { startApi, type ApiProcess } from "../support/processes.js";

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] } }[];
}

const RELEASE_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/**
 * With SERVICE_VERSION unset, the API reports the release's version (the root package.json's)
 * in /runtime/host_info and on its telemetry resource.
 */
describe("the service version by default", () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let collector: Server;
  const exports: OtlpExport[] = [];

  beforeAll(async () => {
    // An OTLP/HTTP collector: the JSON the trace exporter posts to /v1/traces.
    collector = createServer((request, response) => {
      let raw = "";
      request.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      request.on("end", () => {
        if (request.url === "/v1/traces") exports.push(JSON.parse(raw) as OtlpExport);
        response.setHeader("content-type", "application/json");
        response.end("{}");
      });
    });
    collector.listen(0, "127.0.0.1");
    await once(collector, "listening");
    db = await createTestDatabase();
    api = await startApi({
      DATABASE_URL: db.url,
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: uniquePrefix(),
      OTEL_SDK_DISABLED: "false",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
  });

  afterAll(async () => {
    await api.stop();
    await db.drop();
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
  });

  it("is the root package.json's version, in host_info and on the telemetry resource", async () => {
    expect(RELEASE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    const response = await fetch(`${api.url}/runtime/host_info`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { process_version: string }).process_version).toBe(
      RELEASE_VERSION,
    );

    const resource = await waitFor(
      () =>
        exports
          .flatMap((body) => body.resourceSpans ?? [])
          .map((spans) => spans.resource?.attributes ?? [])
          .find((attributes) =>
            attributes.some(
              (a) => a.key === "service.name" && a.value.stringValue === "meerkat-api",
            ),
          ),
      { what: "a span export from the API" },
    );
    const attribute = (key: string) => resource.find((a) => a.key === key)?.value.stringValue;
    expect(attribute("service.version")).toBe(RELEASE_VERSION);
  });
});
