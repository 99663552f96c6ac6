/** @type {import('next').NextConfig} */
const nextConfig = {
  // Self-host: `node .next/standalone/server.js` runs without node_modules beside it.
  output: "standalone",
  // Native / heavy server packages are loaded from node_modules at run time, not bundled:
  // onnxruntime-node ships a .node binary and transformers.js loads it dynamically.
  // usearch (recall cache's SIMD exact search) ships prebuilt .node binaries found by node-gyp-build;
  // piscina starts its own worker file by path, so it must stay in node_modules too.
  // pino and prom-client are loaded from node_modules as well (pino's optional transport code
  // resolves worker files by path; the app never uses transports: lib/log.ts writes synchronously).
  serverExternalPackages: [
    "@huggingface/transformers",
    "onnxruntime-node",
    "ioredis",
    "usearch",
    "piscina",
    "pino",
    "prom-client",
  ],
  // transformers.js loads onnxruntime-node through createRequire, which the tracer cannot see:
  // include its JS and the linux x64 binary, or the standalone server and Vercel functions
  // cannot run the local model (tests/integration/deploy.standalone.test.ts checks this).
  outputFileTracingIncludes: {
    "*": [
      "./node_modules/onnxruntime-node/package.json",
      "./node_modules/onnxruntime-node/dist/**",
      "./node_modules/onnxruntime-node/bin/napi-v*/linux/x64/**",
      // onnxruntime-node require()s the CommonJS build; the tracer only saw the ESM one.
      "./node_modules/onnxruntime-common/package.json",
      "./node_modules/onnxruntime-common/dist/cjs/**",
      // node-gyp-build finds usearch's binary at run time; without it the recall cache falls back to a JS loop.
      "./node_modules/usearch/package.json",
      "./node_modules/usearch/javascript/dist/cjs/**",
      "./node_modules/usearch/prebuilds/linux-x64/**",
      "./node_modules/node-gyp-build/**",
      "./node_modules/bindings/**",
      "./node_modules/file-uri-to-path/**",
      // The embedding worker thread: lib/embeddings/local.ts starts it by a path computed at run
      // time, so the tracer cannot follow it (its imports are traced through local.ts), nor
      // piscina's own worker entry, which piscina starts by path too.
      "./lib/embeddings/embed-worker.mjs",
      "./node_modules/piscina/dist/**/*.js",
    ],
  },
  // Browser-only ONNX runtimes are never used on the server; keep them out of traced functions
  // so the Vercel function stays well under its 250 MB limit.
  outputFileTracingExcludes: {
    "*": [
      "node_modules/onnxruntime-web/**",
      "node_modules/onnxruntime-node/bin/napi-v*/darwin/**",
      "node_modules/onnxruntime-node/bin/napi-v*/win32/**",
      "node_modules/onnxruntime-node/bin/napi-v*/linux/arm64/**",
      "node_modules/@img/**",
      "node_modules/sharp/**",
    ],
  },
  poweredByHeader: false,
};

export default nextConfig;
