/**
 * Loaded with `node --import` before main.js, so instrumentations patch modules before they
 * load. Telemetry exports only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { installTelemetry } from "@meerkat/shared/telemetry";

await installTelemetry("meerkat-api");
