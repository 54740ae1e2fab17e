#!/usr/bin/env bash
# The HTML view of the sample article, rendered by headless Chromium (Debian's package:
# apt-get install chromium fonts-noto-core) into docs/html-view.png.
set -euo pipefail
cd "$(dirname "$0")/.."
page=$(mktemp --suffix=.html)
farsiner tag --sample --format html --output "$page"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --hide-scrollbars \
  --window-size=1000,900 --screenshot=docs/html-view.png "file://$page" 2>/dev/null
rm -f "$page"
echo docs/html-view.png
