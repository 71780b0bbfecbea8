# syntax=docker/dockerfile:1
# The CCM's image: the bundled build (the CCM and its dependencies in a few files, no node_modules)
# on Node.js 24, run as non-root from a distroless base (no shell, no package manager at run time).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json rolldown.config.ts ./
COPY model model
COPY engine engine
COPY providers providers
COPY planners planners
RUN npm run build

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
# dist/ holds the licences of the dependencies bundled (THIRD-PARTY-LICENSES.txt); package.json
# gives --version.
COPY --from=build /src/dist dist
COPY package.json ./
# Upstream's manifests run `./cloud-provider-equinix-metal` here: a script run by the base's Node.js.
COPY --chmod=0755 deploy/image/cloud-provider-equinix-metal ./
USER 65532:65532
# Fewer malloc arenas, less memory kept (the chart's mallocArenaMax says why; it sets the same).
ENV MALLOC_ARENA_MAX=2
EXPOSE 10258
# `metal-ccm run` is the default command; the Deployment passes the upstream CCM's flags.
ENTRYPOINT ["./cloud-provider-equinix-metal"]
