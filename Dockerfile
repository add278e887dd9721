# syntax=docker/dockerfile:1
# debugbot: one image for `debugbot serve` (the Slack/HTTP bot, the default) and
# `debugbot worker` (the RQ worker): `docker run IMAGE worker`.
#
#   docker build -t debugbot:0.1.0 .
#
# No secret is baked in: every setting comes from DEBUGBOT_* variables at run time.
# Pin harder with a digest: --build-arg PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:...
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# ---- builder: a virtualenv with debugbot and its dependencies ------------------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY agent/ agent/
COPY bot/ bot/
COPY cli/ cli/
COPY sandbox/ sandbox/
COPY tools/ tools/
COPY workers/ workers/
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --no-deps --wheel-dir /wheels . \
    && pip install /wheels/debugbot-*.whl

# ---- runtime: the venv on a slim base, as an unprivileged user -----------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HOME=/home/debugbot \
    MPLCONFIGDIR=/tmp/matplotlib
RUN groupadd --system --gid 10001 debugbot \
    && useradd --system --uid 10001 --gid 10001 --home-dir /home/debugbot --create-home \
       --shell /usr/sbin/nologin debugbot
COPY --from=builder /opt/venv /opt/venv
USER 10001:10001
WORKDIR /home/debugbot
EXPOSE 3000
# serve: GET /healthz on DEBUGBOT_HTTP_PORT. A worker has no HTTP port: its container
# (compose, Kubernetes) replaces this with the RQ registration check, which asks Redis
# whether a worker on this host is registered on the queue:
#   python -c "import os,socket,sys,redis; from rq import Queue, Worker; ..."  (see docker-compose.yml)
# or `docker run --no-healthcheck IMAGE worker`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('DEBUGBOT_HTTP_PORT', '3000'), timeout=4)"]
ENTRYPOINT ["debugbot"]
CMD ["serve"]
