# Build the web UI, then the Go binary with the UI embedded, then a small runtime image.
FROM node:20-bookworm AS ui
WORKDIR /src/annotator-ui
COPY annotator-ui/package.json annotator-ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY annotator-ui/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /src/annotator-ui/dist ./annotator-ui/dist
ARG VERSION=docker
RUN CGO_ENABLED=1 go build -ldflags "-X main.version=${VERSION}" -o /out/goldset ./cmd/goldset

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/goldset --create-home goldset
COPY --from=build /out/goldset /usr/local/bin/goldset
USER goldset
WORKDIR /var/lib/goldset
ENV GOLDSET_ADDR=:8080 GOLDSET_DATA_DIR=/var/lib/goldset GOLDSET_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/goldset"]
CMD ["serve"]
