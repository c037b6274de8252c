# syntax=docker/dockerfile:1
# One image for the four Crux services and the CLI. The command picks what runs:
#   node apps/gateway/dist/main.js | apps/job-state/dist/main.js | apps/worker/dist/main.js
#   | apps/audit/dist/main.js, or node apps/cli/bin/crux.js <command> for the CLI.
# Why one image and not a build arg per service: deploy/README.md, "One image".

# Node 24 LTS: Node 20 reached end of life in April 2026; the suite runs on 24 (README, "Node").
FROM node:24-slim AS build
WORKDIR /app
ENV CI=true NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true
# The whole workspace (less what .dockerignore leaves out): npm ci needs every workspace's
# package.json, and the build needs every project.
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx nx run-many -t build --outputStyle=static
# Only runtime dependencies go into the final image; the workspace links (@crux/*) stay.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
# Production refuses to start the gateway without API keys (CRUX_API_KEYS_FILE, mounted).
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
# Whole project folders, not only dist/: job-state loads apps/job-state/lua/*.lua at run time,
# the worker forks its pool children from apps/worker/dist/pool, the CLI reads its package.json.
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps ./apps
COPY deploy/docker/healthcheck.mjs ./deploy/docker/healthcheck.mjs
# The node image's unprivileged user; nothing in /app is writable by it.
USER node
# /healthz (liveness): the gateway's on CRUX_HTTP_PORT, the other services' on CRUX_HEALTH_PORT
# when set; without it the check passes while the process runs (see healthcheck.mjs).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "deploy/docker/healthcheck.mjs"]
EXPOSE 8000
CMD ["node", "apps/gateway/dist/main.js"]
