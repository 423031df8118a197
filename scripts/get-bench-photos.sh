#!/usr/bin/env bash
# Real photographs for the scene benchmark (bench/scene.bench.ts) and its CI test, taken from
# three Debian packages with `apt-get download` + `dpkg -x` (nothing is installed):
#   opencv-doc            OpenCV's example data (people, animals, objects, streets, stereo pair)
#   python-matplotlib-data  matplotlib's sample data (grace_hopper)
#   python3-skimage       scikit-image's bundled data (astronaut, coffee, chelsea, camera, rocket,
#                         motorcycle_left/right; CC0 / public domain, see its _fetchers.py)
# The same set as ../shared/photos/get-photos.sh plus scikit-image's. Each package's copyright
# file goes to DIR/copyright/. Never commit the photos (the default DIR is gitignored).
# Usage: scripts/get-bench-photos.sh [DIR]   (default .cache/photos)
# Exits non-zero, naming what is missing, when a package cannot be fetched or lacks a file.
set -euo pipefail
out=${1:-.cache/photos}
mkdir -p "$out/copyright"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
pkgs=(opencv-doc python-matplotlib-data python3-skimage)
if ! apt-get download "${pkgs[@]}" >/dev/null 2>&1; then
  apt-get update >/dev/null 2>&1 || true
  apt-get download "${pkgs[@]}" >/dev/null || { echo "get-bench-photos: apt-get download ${pkgs[*]} failed" >&2; exit 2; }
fi
for deb in *.deb; do dpkg -x "$deb" x; done
cv=x/usr/share/doc/opencv-doc/examples/data
mpl=x/usr/share/matplotlib/mpl-data/sample_data
sk=x/usr/lib/python3/dist-packages/skimage/data
missing=()
take() { # take SRC_DIR FILE...
  local dir=$1; shift
  for f in "$@"; do
    if [ -f "$dir/$f" ]; then cp "$dir/$f" "$out/"; else missing+=("$dir/$f"); fi
  done
}
take "$mpl" grace_hopper.jpg
take "$cv" messi5.jpg basketball1.png squirrel_cls.jpg chicky_512.png baboon.jpg fruits.jpg \
  building.jpg leuvenA.jpg aloeL.jpg aloeR.jpg aloeGT.png butterfly.jpg home.jpg \
  orange.jpg apple.jpg box_in_scene.png rubberwhale1.png
take "$sk" astronaut.png coffee.png chelsea.png camera.png rocket.jpg motorcycle_left.png \
  motorcycle_right.png horse.png
# scikit-image states each picture's licence in its loader's docstring: keep that file too.
cp x/usr/share/doc/opencv-doc/copyright "$out/copyright/opencv-doc"
cp x/usr/share/doc/python-matplotlib-data/copyright "$out/copyright/python-matplotlib-data"
cp x/usr/share/doc/python3-skimage/copyright "$out/copyright/python3-skimage"
cp "$sk/_fetchers.py" "$out/copyright/python3-skimage-data-fetchers.py"
for deb in *.deb; do echo "${deb%.deb}"; done > "$out/copyright/packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
  echo "get-bench-photos: missing from the packages: ${missing[*]}" >&2
  exit 3
fi
echo "$out"
