/**
 * OpenTelemetry bootstrap, used only by each service's `instrumentation.ts` (loaded with
 * `node --import` before `main.js`). The SDK is loaded and started only when an OTLP endpoint is
 * configured, so local runs pay nothing for it.
 */
import { releaseVersion } from "../config/version.js";

/** Where instrumentation.ts leaves the handle for main.ts's last shutdown phase. */
export const TELEMETRY_HANDLE = Symbol.for("meerkat.telemetry");

export interface TelemetryHandle {
  enabled: boolean;
  shutdown(): Promise<void>;
}

const DISABLED: TelemetryHandle = { enabled: false, shutdown: () => Promise.resolve() };

export function isTelemetryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  // As the OpenTelemetry SDK reads them: blank is unset, the flag is case-insensitive.
  const value = (name: string) => env[name]?.trim() || undefined;
  if (value("OTEL_SDK_DISABLED")?.toLowerCase() === "true") return false;
  return Boolean(
    value("OTEL_EXPORTER_OTLP_ENDPOINT") ?? value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
  );
}

export async function startTelemetry(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TelemetryHandle> {
  if (!isTelemetryEnabled(env)) return DISABLED;
  const { startNodeSdk } = await import("./sdk.js");
  const sdk = startNodeSdk(
    env["OTEL_SERVICE_NAME"]?.trim() || serviceName,
    // As the service's config reads it (main.ts parses it again, after this has started).
    env["SERVICE_VERSION"]?.trim() || releaseVersion(),
  );
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

/**
 * Starts telemetry and leaves the handle where `telemetryHandle()` finds it. Registers the ESM
 * loader hook first, so modules imported afterwards (the service's main) are instrumented.
 */
export async function installTelemetry(serviceName: string): Promise<void> {
  if (isTelemetryEnabled()) {
    const { register } = await import("node:module");
    register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
  }
  const handle = await startTelemetry(serviceName);
  (globalThis as Record<symbol, unknown>)[TELEMETRY_HANDLE] = handle;
}

/** The handle started by instrumentation.ts, or a no-op one when it was not loaded. */
export function telemetryHandle(): TelemetryHandle {
  const handle = (globalThis as Record<symbol, unknown>)[TELEMETRY_HANDLE];
  return (handle as TelemetryHandle | undefined) ?? DISABLED;
}
