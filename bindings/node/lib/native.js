'use strict';

// Loads the native addon built by `napi build --platform` for this machine.
//
// A package built from source (`npm install <path>`, `npm pack`) carries the addon of the machine it
// was built on, next to package.json (`npay-order.<platform>-<arch>[-<abi>].node`). A published
// package would carry one prebuilt addon per platform, or depend on per-platform packages named
// `npay-order-<platform>-<arch>[-<abi>]` as optional dependencies; both places are tried.

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`: the suffix napi-rs gives the addon here. */
function platformTriple() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const abi = arch === 'arm' ? 'gnueabihf' : isMusl() ? 'musl' : 'gnu';
    return `linux-${arch}-${abi}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** Whether this Linux runs on musl (Alpine) rather than glibc. */
function isMusl() {
  try {
    // Cheap and reliable where it exists: ldd is a script or binary naming its libc.
    return readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
  } catch {
    if (typeof process.report?.getReport !== 'function') return false;
    process.report.excludeNetwork = true; // the report would otherwise look up host names
    return !process.report.getReport().header.glibcVersionRuntime;
  }
}

function load() {
  const triple = platformTriple();
  const candidates = [join(__dirname, '..', `npay-order.${triple}.node`), `npay-order-${triple}`];
  const failures = [];
  for (const candidate of candidates) {
    try {
      return require(candidate);
    } catch (error) {
      failures.push(`${candidate}: ${error && error.message}`);
    }
  }
  throw new Error(
    `npay-order: no native addon for ${triple}. Build it with \`npm run build\` in the package ` +
      `folder (needs Rust), or install a package built for this platform.\n  ${failures.join('\n  ')}`,
  );
}

module.exports = load();
