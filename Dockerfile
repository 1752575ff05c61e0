# The wslocal container image: the static binary alone on an empty base.
#
# Build it with scripts/docker-build.sh, which compiles the binary on the
# host (CGO_ENABLED=0, -trimpath, version stamped) into dist/docker/ and then
# runs `docker build`: nothing is pulled from a registry, so it builds
# offline too. See docs/container.md.
FROM scratch

ARG VERSION=dev
LABEL org.opencontainers.image.title="wslocal" \
      org.opencontainers.image.description="A local, wire-compatible Amazon WorkSpaces API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/wslocal/wslocal"

COPY dist/docker/wslocal /wslocal
# /data holds the SQLite store (state.db and its -wal/-shm files) and /tmp
# is for SQLite's temporary files: both owned by the non-root user.
COPY --chown=65532:65532 dist/docker/data /data
COPY --chown=65532:65532 dist/docker/tmp /tmp

# Flags default from WSLOCAL_* variables, so `docker run wslocal --clock
# manual` keeps these; -e overrides them. "generate": a random control token,
# printed in the log at start, unless WSLOCAL_CONTROL_TOKEN is given.
ENV WSLOCAL_ADDR=0.0.0.0:4599 \
    WSLOCAL_STORE=sqlite:/data/state.db \
    WSLOCAL_CONTROL_TOKEN=generate \
    TMPDIR=/tmp

USER 65532:65532
VOLUME /data
EXPOSE 4599
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/wslocal", "health"]
ENTRYPOINT ["/wslocal"]
