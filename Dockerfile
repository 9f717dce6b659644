# syntax=docker/dockerfile:1
# Tasktalk: multi-stage build, non-root runtime, health check on /readyz.
# Build: docker build -t tasktalk .   Run: see docker-compose.yml

# 1. Dependencies (with dev tools, for the web build). --ignore-scripts: the
#    prepare script needs the sources, which are copied in the next stage.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# 2. Build the web app and the compiled server (dist/), then drop dev
#    dependencies. tsx stays: the admin CLI runs its TypeScript sources.
FROM deps AS build
COPY . .
RUN npm run build \
 && node scripts/build-server.mjs \
 && node --import tsx scripts/pglite-template.ts \
 && npm prune --omit=dev --ignore-scripts

# 3. Runtime: only what the server needs, owned by root, run as `node`.
FROM node:20-bookworm-slim AS runtime
# GLIBC_TUNABLES: allocations from 32 KiB up are mapped and unmapped on their
# own, so the compiler memory V8 frees after optimising PGlite's WebAssembly
# goes back to the system instead of staying resident (~40 MB, docs/decisions/010).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32768
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/src ./src
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/web/dist ./web/dist
# The embedded database (only used without DATABASE_URL) lives in a volume the
# unprivileged user can write; the application files stay read-only to it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains in-flight requests (src/server.ts); give it the time it needs.
STOPSIGNAL SIGTERM
# The same Node.js options as `npm start` (package.json; test/start/start-command.test.ts).
CMD ["node", "--max-semi-space-size=8", "dist/server.js"]
