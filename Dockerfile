# hoplab: one static binary (web assets are embedded) on a distroless base.
#
#   docker build -t hoplab .
#   docker run --rm -p 8080:8080 hoplab
#
# The server listens on $HOPLAB_ADDR. The final image has no shell, so there is
# no HEALTHCHECK here; let the orchestrator probe the HTTP port instead.

# ---- build stage -----------------------------------------------------------
# The tag follows the module's go line (go 1.26.0); GOTOOLCHAIN=local makes the
# build fail loudly rather than download another toolchain.
FROM golang:1.26-bookworm AS build
ENV GOTOOLCHAIN=local
WORKDIR /src

# Modules first, so this layer is reused while only source files change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hoplab ./cmd/server

# ---- run stage -------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hoplab /hoplab
USER nonroot:nonroot
EXPOSE 8080
ENV HOPLAB_ADDR=0.0.0.0:8080
ENTRYPOINT ["/hoplab"]
