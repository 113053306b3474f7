# syntax=docker/dockerfile:1
# One image for every Seamline service; the command picks the service:
#   docker run seamline node --conditions=seamline-compiled services/ingest/dist/server.js
#   (also stitcher, metrics-api, alerts)
# The services run as JavaScript compiled by `npm run build` (the seamline-compiled condition
# makes every workspace resolve to its dist/); the `seamline` command keeps running its sources
# through tsx. infra/docker-compose.yml runs it; test/deployment.test.ts checks that every COPY
# source exists, and test/build.test.ts that the compiled services start.

# The current Node.js LTS line, pinned to a minor release (the code also runs on Node 20).
ARG NODE_IMAGE=node:24.11-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund && npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when a manifest or the lockfile changes.
COPY package.json package-lock.json ./
COPY packages/cli/package.json packages/cli/
COPY packages/clickhouse/package.json packages/clickhouse/
COPY packages/config/package.json packages/config/
COPY packages/api/package.json packages/api/
COPY packages/generator/package.json packages/generator/
COPY packages/http/package.json packages/http/
COPY packages/ingest-api/package.json packages/ingest-api/
COPY packages/journeys/package.json packages/journeys/
COPY packages/kafka/package.json packages/kafka/
COPY packages/log/package.json packages/log/
COPY packages/metrics/package.json packages/metrics/
COPY packages/schemas/package.json packages/schemas/
COPY packages/sources/package.json packages/sources/
COPY packages/stitch/package.json packages/stitch/
COPY services/alerts/package.json services/alerts/
COPY services/ingest/package.json services/ingest/
COPY services/metrics-api/package.json services/metrics-api/
COPY services/stitcher/package.json services/stitcher/
COPY infra/package.json infra/
COPY test/package.json test/
COPY bench/package.json bench/
# Only the workspaces that run here, without dev dependencies. No install scripts: esbuild's
# binary comes as a package and nothing else needs one. The embedded engine's library
# (@chdb/lib-*, ~540 MB) goes: a deployment talks to a ClickHouse server (CLICKHOUSE_URL).
# The root's dev dependency on @seamline/cli is what links its bin, so link it by hand.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      -w @seamline/ingest -w @seamline/stitcher -w @seamline/metrics-api -w @seamline/alerts -w @seamline/cli \
  && rm -rf node_modules/@chdb \
  && ln -s ../@seamline/cli/bin/seamline.js node_modules/.bin/seamline \
  && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app /app
COPY tsconfig.base.json ./
# Sources (the seamline command and migrations) with the compiled dist/ of every workspace.
COPY --from=build /app/packages packages
COPY --from=build /app/services services
COPY infra/host-ports infra/host-ports
# Sources stay root-owned and read-only to the service; tsx caches in the user's temp dir.
USER node
EXPOSE 8080 8081 8082 8083
CMD ["npx", "seamline", "--help"]
