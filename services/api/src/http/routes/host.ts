import { hostname } from "node:os";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { pingDatabase } from "@meerkat/shared/db";
import {
  CONTRACT_VERSION,
  resolveCapabilities,
  runtimeFeatures,
} from "../../runtime/capabilities.js";
import type { ServiceDeps } from "../../use-cases/deps.js";
import { hostIdentity, PROCESS_NAME, restBaseUrl, restPaths } from "../../use-cases/host-info.js";
import { buildModelsCatalog } from "../../use-cases/models-catalog.js";
import { checkHealth, type HealthProbes } from "../../use-cases/runtime-health.js";
import {
  capabilitiesResponseSchema,
  hostInfoSchema,
  modelsCatalogSchema,
  runtimeCapabilitiesSchema,
  runtimeHealthSchema,
} from "./host.schemas.js";
import { errorBodySchema } from "./sessions.schemas.js";

export interface HostRouteOptions {
  /** process_version in host_info. */
  version: string;
  /** Pings Redis for GET /runtime/health (bounded by the health check's timeout). */
  pingRedis: () => Promise<unknown>;
}

/** Capabilities, runtime host projection and the models catalog; config is read per request. */
export function registerHostRoutes(
  root: FastifyInstance,
  deps: ServiceDeps,
  options: HostRouteOptions,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const probes: HealthProbes = { postgres: () => pingDatabase(deps.db), redis: options.pingRedis };

  const runtimeCapabilities = async () => {
    const { config } = await deps.realm.config();
    return { contract_version: CONTRACT_VERSION, features: runtimeFeatures(config) };
  };
  const runtimeHealth = async () => ({
    contract_version: CONTRACT_VERSION,
    ...(await checkHealth(probes)),
  });

  app.get(
    "/capabilities",
    {
      schema: {
        tags: ["runtime"],
        summary: "Runtime capabilities, resolved against the realm config",
        response: { 200: capabilitiesResponseSchema, 500: errorBodySchema },
      },
    },
    async () => {
      const { config } = await deps.realm.config();
      return { contract_version: CONTRACT_VERSION, capabilities: resolveCapabilities(config) };
    },
  );

  app.get(
    "/runtime/capabilities",
    {
      schema: {
        tags: ["runtime"],
        summary: "Runtime host capability flags",
        response: { 200: runtimeCapabilitiesSchema, 500: errorBodySchema },
      },
    },
    runtimeCapabilities,
  );

  app.get(
    "/runtime/health",
    {
      schema: {
        tags: ["runtime"],
        summary: "Runtime host health: Postgres and Redis, each answered within a second",
        description:
          "Always 200: `status` is ok, degraded (Redis unreachable) or unhealthy (Postgres unreachable).",
        response: { 200: runtimeHealthSchema },
      },
    },
    runtimeHealth,
  );

  app.get(
    "/runtime/host_info",
    {
      schema: {
        tags: ["runtime"],
        summary: "Runtime host identity, endpoints and realm projection",
        response: { 200: hostInfoSchema, 500: errorBodySchema },
      },
    },
    async () => {
      const [capabilities, health] = await Promise.all([runtimeCapabilities(), runtimeHealth()]);
      return {
        contract_version: CONTRACT_VERSION,
        ...hostIdentity(deps.realm.realmId, deps.realm.instanceId, `${hostname()}:${process.pid}`),
        process_name: PROCESS_NAME,
        process_version: options.version,
        capabilities,
        health,
        realm: {
          realm_id: deps.realm.realmId,
          instance_id: deps.realm.instanceId ?? null,
          backend: "postgres",
        },
        endpoints: {
          rest_base_url: restBaseUrl(root.addresses()),
          // The OpenAPI document lists every public route in the contract's `{param}` style.
          rest_paths: restPaths(root.swagger().paths),
        },
      };
    },
  );

  app.get(
    "/models/catalog",
    {
      schema: {
        tags: ["runtime"],
        summary: "Curated model catalog with provider profiles, plus configured self-hosted models",
        response: { 200: modelsCatalogSchema, 500: errorBodySchema },
      },
    },
    async () => {
      const { config } = await deps.realm.config();
      return buildModelsCatalog(config);
    },
  );
}
