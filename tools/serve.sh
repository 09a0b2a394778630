#!/usr/bin/env bash
# Sets up, builds and serves the page on http://127.0.0.1:PORT (default 8000).
# Stop the server with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
tools/build.sh

port="${PORT:-8000}"
echo
echo "single-file page (open from disk): file://$PWD/dist/minirec.html"
echo "static site folder:                $PWD/dist/site/"
echo "serving the site at:               http://127.0.0.1:$port/"
exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory dist/site
