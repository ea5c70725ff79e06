# The hoso image that k8s/ runs (registry.example.gov.vn/hoso): the `hoso` binary,
# Tesseract with its Vietnamese, English and orientation data, and the PDFium library,
# as a non-root user (10001) with nothing to build with.
#
#   docker build --build-context shared=../shared -t registry.example.gov.vn/hoso:0.1.0 .
#
# The `shared` context brings the 2025 unit crosswalk (../shared/data/admin-units-2025),
# which stays outside this repository: a newer table is a new image or a mounted file with
# HOSO_UNITS_CROSSWALK and HOSO_UNITS_CROSSWALK_VERSION, not a new build of hoso.
#
# Linted by hadolint in the test command (scripts/check-deploy.sh); not built there: the
# test machines have no container engine.

ARG RUST_VERSION=1.95.0
# The same PDFium as scripts/setup.sh: the library inside the pypdfium2 wheel.
ARG PYPDFIUM2_VERSION=5.15.2

# --- build: the release binary, linked against Debian's Tesseract and Leptonica through
# pkg-config. The packages are scripts/setup.sh's build set, where the workspace is known
# to build: clang and libclang-dev are there for a build script that needs bindgen on a
# platform without pre-generated bindings (aws-lc-sys); the image's gcc compiles the rest.
FROM rust:${RUST_VERSION}-bookworm AS build
# Debian's stable suite is the pin: exact package versions leave the mirror at each
# security update, and pinning them would break the build then.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libtesseract-dev libleptonica-dev pkg-config clang libclang-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The caches keep crates.io's downloads and the target folder between builds; the binary
# is copied out because a cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p hoso \
    && install -m 0755 target/release/hoso /usr/local/bin/hoso

# --- pdfium: libpdfium.so and its version.json (the build number named in provenance)
# from the pypdfium2 wheel, the one offline-safe source.
FROM python:3.11-slim-bookworm AS pdfium
ARG PYPDFIUM2_VERSION
ARG TARGETARCH=amd64
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /pdfium
RUN case "$TARGETARCH" in \
        amd64) platform=manylinux_2_17_x86_64 ;; \
        arm64) platform=manylinux_2_17_aarch64 ;; \
        *) echo "no pypdfium2 wheel for $TARGETARCH" >&2; exit 1 ;; \
    esac \
    && pip download --no-cache-dir --no-deps --only-binary=:all: \
        --platform "$platform" --python-version 3.11 -d wheel "pypdfium2==${PYPDFIUM2_VERSION}" \
    && python -m zipfile -e wheel/pypdfium2-*.whl unpacked \
    && mkdir -p out \
    && cp unpacked/pypdfium2_raw/libpdfium.so unpacked/pypdfium2_raw/version.json out/

# --- the image.
FROM debian:bookworm-slim
# libtesseract5 brings Leptonica and OpenMP; vie reads the page text, eng the machine-
# readable zones, osd finds a page's orientation. DejaVu is PDFium's fallback for PDFs
# whose fonts are not embedded (it has every Vietnamese letter). ca-certificates: TLS to
# the object store and PostgreSQL.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libtesseract5 tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
        fonts-dejavu-core ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 hoso \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/hoso --no-create-home \
        --shell /usr/sbin/nologin hoso \
    && mkdir -p /var/lib/hoso \
    && chown 10001:10001 /var/lib/hoso
COPY --from=pdfium /pdfium/out/ /usr/local/lib/hoso/
COPY --from=build /usr/local/bin/hoso /usr/local/bin/hoso
# `shared` is a named build context (--build-context), not a stage.
# hadolint ignore=DL3022
COPY --from=shared data/admin-units-2025/old_to_new.tsv data/admin-units-2025/LICENSE \
    /usr/share/hoso/units/dvhcvn-20250701/
# OMP_THREAD_LIMIT: Debian's Tesseract uses OpenMP, which is 4-8x slower when jobs share
# the cores; one thread per job, and jobs in parallel instead.
ENV HOSO_PDFIUM_LIB=/usr/local/lib/hoso/libpdfium.so \
    HOSO_DATA_DIR=/var/lib/hoso \
    OMP_THREAD_LIMIT=1
USER 10001:10001
WORKDIR /var/lib/hoso
# The API (hoso serve) and /metrics, /healthz, /readyz (HOSO_METRICS_LISTEN).
EXPOSE 8080 9100
ENTRYPOINT ["hoso"]
CMD ["--help"]
