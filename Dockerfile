# Build a static binary, then ship it alone on a distroless base as a
# non-root user. The binary embeds the tz database (time/tzdata), so
# Asia/Almaty works whatever the base image holds.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/forumbot ./cmd/forumbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/forumbot /usr/local/bin/forumbot
USER nonroot:nonroot
ENV TZ=Asia/Almaty
# /healthz, /readyz and /metrics, reachable from outside the container.
ENV LISTEN_ADDR=:8080
EXPOSE 8080
# The image has no shell or curl: the binary probes its own /healthz
# (forumbot healthcheck exits 0 on a 200). Liveness only: readiness
# (/readyz: Redis and the Bot API) is for a load balancer or orchestrator,
# which must not restart a bot because Redis is down.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/forumbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/forumbot"]
CMD ["run"]
