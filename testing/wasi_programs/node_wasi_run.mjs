// Runs a WASI command module under Node's node:wasi with the command line of `kiln run`, so the
// program checks and the benchmark can run the same case under kiln and under Node:
//
//   node node_wasi_run.mjs [--dir HOST[:GUEST]]... [--env K=V]... [--argv0 NAME] [--] MODULE ARGS...
//
// The guest sees only the given environment and preopens, and the real stdio. Modules importing
// `wasi_unstable` (snapshot 0) get Node's snapshot-0 imports instead of preview 1. The process
// exits with the guest's exit code; a trap ends it with Node's uncaught-exception status (1).
//
// With KILN_NODE_TIMING=FILE it also writes {"compile_s", "run_s"} to FILE: compile is
// WebAssembly.compile (Node compiles lazily, so most of the code is compiled while it runs).
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { WASI } from "node:wasi";

function usage(message) {
  process.stderr.write(`node_wasi_run: ${message}\n`);
  process.exit(2);
}

const preopens = {};
const env = {};
let argv0 = null;
let rest = process.argv.slice(2);
for (;;) {
  const arg = rest[0];
  if (arg === undefined) usage("needs a MODULE");
  if (arg === "--") { rest = rest.slice(1); break; }
  if (!arg.startsWith("--")) break;
  const value = rest[1];
  if (value === undefined) usage(`${arg} needs a value`);
  rest = rest.slice(2);
  if (arg === "--dir") {
    const [host, guest = host] = value.split(":");
    preopens[guest] = host;
  } else if (arg === "--env") {
    const eq = value.indexOf("=");
    if (eq <= 0) usage(`--env ${value}: want K=V`);
    env[value.slice(0, eq)] = value.slice(eq + 1);
  } else if (arg === "--argv0") {
    argv0 = value;
  } else {
    usage(`unknown option ${arg}`);
  }
}
if (rest.length === 0) usage("needs a MODULE");
const [modulePath, ...guestArgs] = rest;

const t0 = process.hrtime.bigint();
const module = await WebAssembly.compile(readFileSync(modulePath));
const t1 = process.hrtime.bigint();
const snapshot0 = WebAssembly.Module.imports(module).some((i) => i.module === "wasi_unstable");
const wasi = new WASI({
  version: snapshot0 ? "unstable" : "preview1",
  args: [argv0 ?? basename(modulePath, ".wasm"), ...guestArgs],
  env,
  preopens,
  returnOnExit: true,
});
// wasi.wasiImport rather than getImportObject(): older Nodes (Debian's 18) lack the latter.
const imports = { [snapshot0 ? "wasi_unstable" : "wasi_snapshot_preview1"]: wasi.wasiImport };
const instance = await WebAssembly.instantiate(module, imports);
const code = wasi.start(instance);
const t2 = process.hrtime.bigint();
if (process.env.KILN_NODE_TIMING) {
  writeFileSync(process.env.KILN_NODE_TIMING,
    JSON.stringify({ compile_s: Number(t1 - t0) / 1e9, run_s: Number(t2 - t1) / 1e9 }));
}
process.exitCode = code;
