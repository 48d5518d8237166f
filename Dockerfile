# The application image: built with the project's own TypeScript, run with plain Node.
FROM node:20-bookworm-slim AS build
# npm 11 honours package.json "allowScripts" (only the reviewed install scripts run)
RUN npm install -g npm@11
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/data ./data
# the pages' templates and static files are read from the source tree (src/views)
COPY --from=build /app/src/views ./src/views
COPY package.json ./
EXPOSE 3000
# the heap cap of `npm run start:prod` (README "Speed"): V8 collects before it grows past it
CMD ["node", "--max-old-space-size=512", "dist/src/main.js"]
