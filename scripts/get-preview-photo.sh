#!/usr/bin/env bash
# The photograph the gallery's motion previews are rendered from: scikit-image's "coffee"
# (CC0, Rachel Michetti), taken from Debian's python3-skimage with apt-get download + dpkg -x
# (nothing is installed), with the package's copyright file and the picture's licence note.
# Usage: scripts/get-preview-photo.sh [DATA_DIR]   (default ./data, as the server's DATA_DIR)
# The server picks it up at start (src/engine/previews/preview-picture.ts); without it the previews
# are drawn from the generated sample scene.
# `npm install` runs it (package.json "prepare"): it is quick when the photo is already there,
# and says so and leaves the drawn scene in place on a machine without apt-get or a network.
set -euo pipefail
data=${1:-./data}
out="$data/preview-photo"
if [ -f "$out/coffee.png" ]; then echo "$out/coffee.png (already there)"; exit 0; fi
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
  echo "previews: no apt-get/dpkg here, so the gallery previews use the drawn sample scene" >&2
  exit 0
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download python3-skimage >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 || true; apt-get download python3-skimage >/dev/null; }
dpkg -x python3-skimage_*.deb x
sk=x/usr/lib/python3/dist-packages/skimage/data
cp "$sk/coffee.png" "$out/coffee.png"
cp x/usr/share/doc/python3-skimage/copyright "$out/copyright"
cat > "$out/LICENCE.txt" <<'TXT'
coffee.png: "Coffee cup", from scikit-image's sample data (skimage.data.coffee), as shipped
in Debian's python3-skimage package. scikit-image states: "No copyright restrictions. CC0 by
the photographer (Rachel Michetti)." The package's copyright file is alongside.
TXT
echo "$out/coffee.png"
