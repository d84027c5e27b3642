# syntax=docker/dockerfile:1
# Build: cgo is required by go-sqlite3; the binary is linked statically so the
# runtime image needs no libc.
FROM golang:1.26-bookworm AS build
# The French–English dictionaries (FreeDict, GPL-2.0-or-later) nextdesk
# reads at run time from /usr/share/dictd; the runtime image has no apt.
RUN apt-get update && apt-get install -y --no-install-recommends dict-freedict-fra-eng dict-freedict-eng-fra \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath \
	-tags 'sqlite_omit_load_extension osusergo netgo' \
	-ldflags '-s -w -linkmode external -extldflags "-static"' \
	-o /out/nextdesk ./cmd/nextdesk \
	&& mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nextdesk /usr/local/bin/nextdesk
COPY --from=build /usr/share/dictd/freedict-fra-eng.* /usr/share/dictd/freedict-eng-fra.* /usr/share/dictd/
COPY --from=build /usr/share/doc/dict-freedict-fra-eng/copyright /usr/share/doc/dict-freedict-fra-eng/copyright
COPY --from=build /usr/share/doc/dict-freedict-eng-fra/copyright /usr/share/doc/dict-freedict-eng-fra/copyright
# The data directory must exist and belong to the non-root user before it
# becomes a volume, or a fresh volume is owned by root and unwritable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV NEXTDESK_DATA_DIR=/data \
	NEXTDESK_ADDR=:3000
VOLUME ["/data"]
EXPOSE 3000
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s CMD ["/usr/local/bin/nextdesk", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/nextdesk"]
CMD ["serve"]
