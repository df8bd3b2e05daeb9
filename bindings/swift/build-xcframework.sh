#!/usr/bin/env bash
# Builds dist/swift/NpayOrderFFI.xcframework (the Rust core as static libraries for macOS arm64 +
# x86_64, iOS devices and the iOS simulator on arm64 + x86_64) and zips it with its checksum, for
# a SwiftPM `binaryTarget`. Needs macOS with Xcode (xcodebuild, lipo) and rustup; it cannot run on
# Linux, and the project's CI has not run it. The release workflow runs it on a macOS runner.
#
#   bindings/swift/build-xcframework.sh          # from anywhere in the checkout
#
# The Swift sources (Sources/NpayOrder) and the C header and module map (Sources/NpayOrderFFI) are
# the checked-in generated ones: `cargo xtask test` checks that they match the library.
set -euo pipefail
cd "$(dirname "$0")/../.."

macos=(aarch64-apple-darwin x86_64-apple-darwin)
ios=(aarch64-apple-ios)
simulator=(aarch64-apple-ios-sim x86_64-apple-ios)
lib=libnpay_order_uniffi.a
out=dist/swift
work=target/xcframework

rustup target add "${macos[@]}" "${ios[@]}" "${simulator[@]}"
for target in "${macos[@]}" "${ios[@]}" "${simulator[@]}"; do
  # The crate is a cdylib + rlib for the JVM and the tests; Apple platforms link a static library.
  cargo rustc --profile dist -p npay-order-uniffi --lib --target "$target" --crate-type staticlib
done

rm -rf "$work" "$out/NpayOrderFFI.xcframework"
mkdir -p "$work/headers" "$work/macos" "$work/simulator" "$out"
cp bindings/swift/Sources/NpayOrderFFI/npay_order_uniffiFFI.h "$work/headers/"
# A framework's module map is named module.modulemap and declares the module Swift imports.
cp bindings/swift/Sources/NpayOrderFFI/module.modulemap "$work/headers/module.modulemap"

lipo -create "target/aarch64-apple-darwin/dist/$lib" "target/x86_64-apple-darwin/dist/$lib" -output "$work/macos/$lib"
lipo -create "target/aarch64-apple-ios-sim/dist/$lib" "target/x86_64-apple-ios/dist/$lib" -output "$work/simulator/$lib"

xcodebuild -create-xcframework \
  -library "$work/macos/$lib" -headers "$work/headers" \
  -library "target/aarch64-apple-ios/dist/$lib" -headers "$work/headers" \
  -library "$work/simulator/$lib" -headers "$work/headers" \
  -output "$out/NpayOrderFFI.xcframework"

(cd "$out" && rm -f NpayOrderFFI.xcframework.zip && zip -qry NpayOrderFFI.xcframework.zip NpayOrderFFI.xcframework)
swift package compute-checksum "$out/NpayOrderFFI.xcframework.zip" > "$out/NpayOrderFFI.xcframework.zip.sha256"
echo "$out/NpayOrderFFI.xcframework.zip ($(du -h "$out/NpayOrderFFI.xcframework.zip" | cut -f1)), checksum $(cat "$out/NpayOrderFFI.xcframework.zip.sha256")"
