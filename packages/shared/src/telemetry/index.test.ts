import { describe, expect, it } from "vitest";
import { isTelemetryEnabled } from "./index.js";

describe("isTelemetryEnabled", () => {
  it("exports only with an endpoint, reading the variables as the SDK does", () => {
    expect(isTelemetryEnabled({})).toBe(false);
    expect(isTelemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toBe(true);
    // A blank endpoint is unset, so the traces-only one still counts.
    expect(
      isTelemetryEnabled({
        OTEL_EXPORTER_OTLP_ENDPOINT: "",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces",
      }),
    ).toBe(true);
    expect(isTelemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: " " })).toBe(false);
    expect(
      isTelemetryEnabled({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_SDK_DISABLED: "TRUE",
      }),
    ).toBe(false);
  });
});
