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
ENTRYPOINT ["/usr/local/bin/forumbot"]
CMD ["run"]
