# The gateway's image: `docker build -t podero-graphql-gateway .` with the official Node image
# (https://hub.docker.com/_/node). The build stage installs everything and bundles src/ into dist/
# (`npm run build`, build.ts); the runtime stage has the production dependencies and dist/ only.
# Nothing beyond the npm registry is fetched while building.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The lockfile first, so the slow layer (npm ci) is reused until it changes. .npmrc carries
# legacy-peer-deps=true, without which `npm ci` stops at a peer range (see README, Tests).
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the root package's `prepare` would build before the sources are copied below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json build.ts ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The bundle still loads the OpenTelemetry SDK and ioredis from node_modules (build.ts: external);
# no production dependency has an install script, and --ignore-scripts skips the root's `prepare`.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The official image's unprivileged user (uid 1000); the app's files stay root's, so it cannot change them.
USER node
EXPOSE 4000
# /health answers while the process lives (/ready is for balancers: it fails while draining). The image
# has no curl or wget; node's fetch does. Exec form, and PORT read by node, so an overridden PORT still works.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 (the official entrypoint exec's it), so `docker stop`'s SIGTERM reaches the
# gateway's own handler, which drains and exits 0 (https://docs.docker.com/reference/dockerfile/#cmd).
# Node's flags are npm start's (package.json): a 32 MiB young generation, see the README's "Performance
# and scale-out" (https://nodejs.org/api/cli.html#--max-semi-space-sizesize-in-mib).
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
