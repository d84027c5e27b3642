# syntax=docker/dockerfile:1
# Build: cgo is required by go-sqlite3; the binary is linked statically so the
# runtime image needs no libc. Release builds stamp the version (see
# `nextdesk version`):
#
#   docker build \
#     --build-arg VERSION="$(git describe --tags --always --dirty)" \
#     --build-arg COMMIT="$(git rev-parse HEAD)" \
#     --build-arg DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
#     -t nextdesk .
FROM golang:1.26-bookworm AS build
# The dictionaries nextdesk reads at run time from /usr/share/dictd (the
# runtime image has no apt): FreeDict French–English and English–French
# (GPL-2.0-or-later), and for the words they lack French–German (WikDict,
# CC BY-SA 3.0) and German–English (Ding, GPL-3.0-or-later).
RUN apt-get update && apt-get install -y --no-install-recommends dict-freedict-fra-eng dict-freedict-eng-fra \
	dict-freedict-fra-deu dict-freedict-deu-eng \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# .dockerignore keeps .git, local data directories and build output out.
COPY . .
# Unset, .ci/build-static writes "unknown" for the version and commit (the
# context has no .git) and the time of the build for the date.
ARG VERSION
ARG COMMIT
ARG DATE
RUN VERSION="$VERSION" COMMIT="$COMMIT" DATE="$DATE" .ci/build-static /out/nextdesk \
	&& mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=unknown
ARG COMMIT=unknown
ARG DATE=unknown
LABEL org.opencontainers.image.title="nextdesk" \
	org.opencontainers.image.description="The guy in the next office: a Slack bot that routes each question to the colleague most likely to know and hands back answers already given." \
	org.opencontainers.image.source="https://github.com/nextdesk/nextdesk" \
	org.opencontainers.image.url="https://github.com/nextdesk/nextdesk" \
	org.opencontainers.image.documentation="https://github.com/nextdesk/nextdesk#readme" \
	org.opencontainers.image.licenses="Apache-2.0" \
	org.opencontainers.image.version="$VERSION" \
	org.opencontainers.image.revision="$COMMIT" \
	org.opencontainers.image.created="$DATE"
COPY --from=build /out/nextdesk /usr/local/bin/nextdesk
COPY LICENSE NOTICE /usr/share/doc/nextdesk/
COPY --from=build /usr/share/dictd/freedict-fra-eng.* /usr/share/dictd/freedict-eng-fra.* \
	/usr/share/dictd/freedict-fra-deu.* /usr/share/dictd/freedict-deu-eng.* /usr/share/dictd/
COPY --from=build /usr/share/doc/dict-freedict-fra-eng/copyright /usr/share/doc/dict-freedict-fra-eng/copyright
COPY --from=build /usr/share/doc/dict-freedict-eng-fra/copyright /usr/share/doc/dict-freedict-eng-fra/copyright
COPY --from=build /usr/share/doc/dict-freedict-fra-deu/copyright /usr/share/doc/dict-freedict-fra-deu/copyright
COPY --from=build /usr/share/doc/dict-freedict-deu-eng/copyright /usr/share/doc/dict-freedict-deu-eng/copyright
# The data directory must exist and belong to the non-root user before it
# becomes a volume, or a fresh volume is owned by root and unwritable. 0700:
# it holds private messages (nextdesk also tightens it at start).
COPY --from=build --chown=65532:65532 --chmod=0700 /out/data /data
ENV NEXTDESK_DATA_DIR=/data \
	NEXTDESK_ADDR=:3000
VOLUME ["/data"]
EXPOSE 3000
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s CMD ["/usr/local/bin/nextdesk", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/nextdesk"]
CMD ["serve"]
