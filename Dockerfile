# One image build, several final targets:
#   docker build --target api       -t meerkat-api .
#   docker build --target worker    -t meerkat-worker .
#   docker build --target scheduler -t meerkat-scheduler .
#   docker build --target migrate   -t meerkat-migrate .
#   docker build --target fake-provider -t meerkat-fake-provider .   (offline testing only)
#
# Stages: deps (npm ci with the committed lockfile) → build (tsc -b) → prod-deps (prune dev and
# test-only dependencies) → runtime (node user, tini) → one small stage per target.
#
# --build-arg SERVICE_VERSION=1.2.3 sets the version the services report (log lines,
# /runtime/host_info, the telemetry resource); without it they report the root package.json's.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# deps: every dependency, dev ones included, from package-lock.json only
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# Only the manifests, so this layer is rebuilt only when dependencies change. Every workspace
# listed in the root package.json must be present for `npm ci` to accept the lockfile.
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/fake-provider/package.json packages/fake-provider/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/scheduler/package.json services/scheduler/
COPY tests/package.json tests/
# Install scripts are not needed: native add-ons used at run time (msgpackr-extract) ship
# prebuilt binaries in platform packages, and the slim image has no compiler anyway.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts

# ---------------------------------------------------------------------------------------------
# build: compile the five runtime projects to dist/ (the `tests` project only type-checks tests
# and emits nothing, so it is left out of the image build)
# ---------------------------------------------------------------------------------------------
FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY services ./services
RUN npm run build -- \
      packages/shared packages/fake-provider services/api services/worker services/scheduler \
 && test -f services/api/dist/main.js \
 && test -f services/worker/dist/main.js \
 && test -f services/scheduler/dist/main.js \
 && test -f packages/shared/dist/db/migrate-cli.js \
 && test -f packages/fake-provider/dist/main.js \
 && test -d packages/shared/drizzle

# ---------------------------------------------------------------------------------------------
# prod-deps: production dependencies only. The tests workspace is removed first so that its
# dependencies (vitest, testcontainers, ...) are pruned too.
# ---------------------------------------------------------------------------------------------
FROM build AS prod-deps
RUN rm -rf tests node_modules/@meerkat/tests \
 && npm prune --omit=dev --ignore-scripts \
 && find packages services -name '*.tsbuildinfo' -delete

# ---------------------------------------------------------------------------------------------
# runtime: what every service image shares
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# Signals: tini runs as PID 1, forwards SIGTERM/SIGINT to node and reaps orphaned children. The
# services handle SIGTERM themselves (ordered graceful shutdown with SHUTDOWN_DEADLINE_MS), but
# node as PID 1 would not reap the zombies left by processes that the worker's shell tool starts,
# so an init is used rather than relying on node as PID 1. It is the same as `docker run --init`.
# EXTRA_APT_PACKAGES adds tools for the worker's shell tool (e.g. "git curl jq").
ARG EXTRA_APT_PACKAGES=""
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates ${EXTRA_APT_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# A heap cap makes V8 collect before RSS grows (bench/README.md); Kubernetes sets it from the
# chart's values to fit the container's memory limit.
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NODE_OPTIONS=--max-old-space-size=256
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/packages/shared/package.json ./packages/shared/package.json
COPY --from=prod-deps /app/packages/shared/dist ./packages/shared/dist
COPY --from=prod-deps /app/packages/shared/drizzle ./packages/shared/drizzle
COPY --from=prod-deps /app/packages/fake-provider/package.json ./packages/fake-provider/package.json
COPY --from=prod-deps /app/packages/fake-provider/dist ./packages/fake-provider/dist
COPY --from=prod-deps /app/services/api/package.json ./services/api/package.json
COPY --from=prod-deps /app/services/api/dist ./services/api/dist
COPY --from=prod-deps /app/services/worker/package.json ./services/worker/package.json
COPY --from=prod-deps /app/services/worker/dist ./services/worker/dist
COPY --from=prod-deps /app/services/scheduler/package.json ./services/scheduler/package.json
COPY --from=prod-deps /app/services/scheduler/dist ./services/scheduler/dist
# Declared last, so that a new version rebuilds no layer above. Blank means unset: the services
# then read the version of /app/package.json (the root one).
ARG SERVICE_VERSION=""
ENV SERVICE_VERSION=${SERVICE_VERSION}
# The files stay owned by root and read-only for the service user; only /tmp is written to.
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]

# ---------------------------------------------------------------------------------------------
# Final targets
# ---------------------------------------------------------------------------------------------
FROM runtime AS migrate
CMD ["node", "--enable-source-maps", "packages/shared/dist/db/migrate-cli.js"]

FROM runtime AS fake-provider
ENV FAKE_PROVIDER_HOST=0.0.0.0
CMD ["node", "--enable-source-maps", "packages/fake-provider/dist/main.js"]

FROM runtime AS scheduler
ENV PROBE_PORT=9090
EXPOSE 9090
CMD ["node", "--enable-source-maps", "--import", "./services/scheduler/dist/instrumentation.js", "./services/scheduler/dist/main.js"]

FROM runtime AS worker
ENV PROBE_PORT=9090 \
    MEERKAT_WORK_DIR=/tmp/meerkat
EXPOSE 9090
CMD ["node", "--enable-source-maps", "--import", "./services/worker/dist/instrumentation.js", "./services/worker/dist/main.js"]

# Last, so that a plain `docker build .` produces the API image.
FROM runtime AS api
ENV HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080
CMD ["node", "--enable-source-maps", "--import", "./services/api/dist/instrumentation.js", "./services/api/dist/main.js"]
