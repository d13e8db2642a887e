import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { PinoInstrumentation } from "@opentelemetry/instrumentation-pino";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK, resources } from "@opentelemetry/sdk-node";

const IGNORED_PATHS = new Set(["/health", "/livez", "/readyz"]);

/**
 * Builds and starts the SDK: OTLP over HTTP, configured by the standard OTEL_* variables. The
 * resource carries `service.version`; OTEL_RESOURCE_ATTRIBUTES still wins, as the SDK merges the
 * detected attributes over the given resource.
 */
export function startNodeSdk(
  serviceName: string,
  serviceVersion: string,
): { shutdown(): Promise<void> } {
  const sdk = new NodeSDK({
    serviceName,
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ "service.version": serviceVersion })),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) =>
          IGNORED_PATHS.has((request.url ?? "").split("?")[0] ?? ""),
      }),
      new UndiciInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
      new PinoInstrumentation(),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
