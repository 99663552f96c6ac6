# syntax=docker/dockerfile:1
# MindMate self-host image: the Next.js standalone server + the embedding model, non-root.
#   docker build -t mindmate .          (needs the model hub reachable at build time)
#   docker compose up -d                (app + Redis 8 with AOF, see compose.yaml)
# glibc (Debian) base, not Alpine: onnxruntime-node ships glibc binaries.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Dev dependencies are needed to build; onnxruntime-node's optional CUDA download is skipped.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --include=dev --no-audit --no-fund

FROM deps AS build
COPY . .
# The trace includes onnxruntime-node's linux x64 binary only (next.config.mjs); on another
# architecture (arm64) the matching binary is copied beside it.
RUN NEXT_TELEMETRY_DISABLED=1 npm run build \
 && cp -r .next/static .next/standalone/.next/static \
 && if [ -d public ]; then cp -r public .next/standalone/public; fi \
 && arch="$(node -p process.arch)" \
 && for d in node_modules/onnxruntime-node/bin/napi-v*/linux/"$arch"; do \
      mkdir -p ".next/standalone/$(dirname "$d")" && cp -r "$d" ".next/standalone/$(dirname "$d")/"; \
    done
# Pre-fetch the model into the image so the first message never waits for a download
# (and a broken download fails the build, not a user's message).
ENV EMBEDDING_CACHE_DIR=/app/.cache/models
RUN npm run model:fetch

FROM node:20-bookworm-slim AS runner
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    EMBEDDING_CACHE_DIR=/app/.cache/models
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.cache/models /app/.cache/models
# Owned by the app user so a named volume mounted here (JOURNAL_FILE) is writable.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# 200 only when Redis answers and a vector engine is chosen (503 explains what is wrong).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
