# kratomwatch — multi-stage build. Production runs on the current Node LTS; the code also runs on
# Node 20 (better-sqlite3 is pinned to 12.x, which supports both).

# --- build: toolchain for better-sqlite3's native addon, TypeScript compile, then prune dev deps ---
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scrapers ./scrapers
# tsc also emits the worker threads, plain JavaScript (tsconfig allowJs): the PostgreSQL bridge and the SQLite
# checkpointer. A build without them would start and then fail on first use, so it fails here instead.
RUN npm run build \
 && test -f dist/src/db/postgres/bridge-worker.js && test -f dist/src/db/postgres/protocol.js \
 && test -f dist/src/db/checkpoint-worker.js \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Debian's Chromium for browser sources, data on a volume, unprivileged user ---
FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates fonts-liberation tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATABASE_PATH=/data/kratomwatch.db \
    CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Both engines' migrations: migrations/*.sql (SQLite) and their twins in migrations/postgres/ (DATABASE_URL).
COPY migrations ./migrations
# The curated dataset is read at start from src/baseline (see src/paths.ts); static web assets too.
COPY src/baseline ./src/baseline
# Fixture sidecars and real-sources.json tell GET /scrapers which scrapers are proven on real responses (src/scraping/provenance.ts).
COPY fixtures ./fixtures
# The CLI on the PATH: docker run --rm -v kratomwatch-data:/data kratomwatch kratomwatch keys create --name ops
RUN chmod +x dist/src/cli.js && ln -s /app/dist/src/cli.js /usr/local/bin/kratomwatch
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/src/cli.js", "serve"]
