#!/usr/bin/env bash
# The README's latent-direction demonstration: for three class pairs, on the shipped float and int8
# unconditional generators, measure how often mean(z of X) - mean(z of Y) turns held-out Y seeds
# into X (judged by the shipped classifier), against random directions of the same norm; and draw
# the pictures of the README's "Latent space" section into Formats/models/latent/.
#   bash Tools/latent_demo.sh            (from the checkout, after `swift build -c release`)
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=${KILN:-.build/release/kiln}
models=Formats/models
out=$models/latent
mkdir -p "$out"
for model in fashion-dcgan fashion-dcgan-int8; do
  for pair in "sandal sneaker" "shirt coat" "sneaker ankle_boot"; do
    set -- $pair
    echo "== $model: $1 -> $2"
    picture=()
    [ "$model" = fashion-dcgan-int8 ] && picture=(--out "$out/direction-$1-to-$2.png")
    "$kiln" direction "$models/$model.kiln" --classifier "$models/fashion-classifier.kiln" --from "$1" --to "$2" \
      --search 10000 --min-confidence 0.8 "${picture[@]}" 2>/dev/null | grep -v '^sha256\|^wrote'
  done
done
"$kiln" interpolate "$models/fashion-dcgan-int8.kiln" --seeds 3,11,25,40 --steps 10 --out "$out/interpolation.png" \
  --animation "$out/walk.png" --frames-per-step 12
"$kiln" interpolate "$models/fashion-cond-int8.kiln" --from-class sandal --to-class sneaker --seeds 1,2,3 --steps 8 \
  --out "$out/class-interpolation.png"
rm -f "$out/concepts.txt"
for class in sneaker sandal ankle_boot; do
  "$kiln" find "$models/fashion-dcgan-int8.kiln" --classifier "$models/fashion-classifier.kiln" --class "$class" --count 8 \
    --min-confidence 0.95 --save "$class" --concepts "$out/concepts.txt" 2>/dev/null | grep -v '^  seed\|^sha256'
done
"$kiln" arith "$models/fashion-dcgan-int8.kiln" "ankle_boot - sneaker + sandal" --concepts "$out/concepts.txt" --out "$out/arith.png"
