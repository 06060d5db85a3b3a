#!/usr/bin/env bash
# Regenerates Sources/KilnONNX/Generated/onnx.pb.swift from the onnx.proto of the `onnx` pip package
# (1.23.2 when it was generated) with protoc and swift-protobuf's protoc-gen-swift (1.39.0, the
# version Package.swift uses). Needs: apt-get install protobuf-compiler; pip install onnx.
#
#   Tools/onnx/generate.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
proto_dir=$(python3 -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v protoc >/dev/null || { echo "protoc is missing: apt-get install protobuf-compiler"; exit 2; }
cat > "$work/Package.swift" <<'PKG'
// swift-tools-version:6.1
import PackageDescription
let package = Package(name: "protogen", dependencies: [.package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0")], targets: [])
PKG
(cd "$work" && swift build -c release --product protoc-gen-swift >/dev/null)
mkdir -p "$work/proto"
cp "$proto_dir/onnx.proto" "$work/proto/onnx.proto"
protoc --plugin=protoc-gen-swift="$work/.build/release/protoc-gen-swift" --proto_path="$work/proto" \
  --swift_opt=Visibility=Internal --swift_out="$repo/Sources/KilnONNX/Generated" "$work/proto/onnx.proto"
echo "wrote Sources/KilnONNX/Generated/onnx.pb.swift from onnx $(python3 -c 'import onnx; print(onnx.__version__)')"
