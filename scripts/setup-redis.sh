#!/usr/bin/env bash
# Installs a real Redis server (Debian's redis-server package) for the cluster tests and for running
# several `bench extract --redis` workers. Idempotent: exits at once when redis-server is installed.
# Only the binary is needed: tests start their own redis-server on loopback on a free port.
set -euo pipefail

if command -v redis-server >/dev/null; then
  echo "setup-redis: $(redis-server --version | cut -d' ' -f1-3) already installed" >&2
  exit 0
fi

if [[ "$(uname -s)" != Linux ]] || ! command -v apt-get >/dev/null; then
  echo "setup-redis: not a Debian/Ubuntu system; install Redis >= 6 yourself (e.g. brew install redis)" >&2
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package's own service is not needed (and may not start in a container); tests run their own.
echo "setup-redis: installed $(redis-server --version | cut -d' ' -f1-3)" >&2
