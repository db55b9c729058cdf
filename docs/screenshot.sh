#!/usr/bin/env bash
# Takes a PNG screenshot of an HTML report (or one of its sections) with headless Chromium, so that a person can look
# at what a report shows, and so that the pictures in docs/ are made the same way every time.
#
#   docs/screenshot.sh REPORT.html OUT.png [--section ID] [--width PX] [--height PX]
#
# --section ID keeps the page's <head> and only the element <section id="ID">…</section> (the explain report's
# saturation, units and surprise sections), so one picture shows one view. Needs chromium (Debian's package) and python3.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
page=$1 out=$2; shift 2
section="" width=1240 height=900
while [ $# -gt 0 ]; do
  case $1 in
    --section) section=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    --height) height=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source=$(realpath "$page")
if [ -n "$section" ]; then
  python3 - "$source" "$section" "$work/page.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
match = re.search(r'<section id="%s">.*?</section>' % re.escape(sys.argv[2]), html, re.S)
if not match:
    sys.exit("no <section id=\"%s\"> in %s" % (sys.argv[2], sys.argv[1]))
head = html[:html.index("<body>") + len("<body>")]
open(sys.argv[3], "w", encoding="utf-8").write(head + "\n" + match.group(0) + "\n</body>\n</html>\n")
PY
  source="$work/page.html"
fi

"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --user-data-dir="$work/profile" --hide-scrollbars --window-size="$width,$height" \
  --screenshot="$(realpath -m "$out")" "file://$source" >/dev/null 2>&1
[ -s "$out" ] || { echo "chromium wrote no screenshot" >&2; exit 1; }
echo "wrote $out (${width}x${height})"
