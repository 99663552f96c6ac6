/** @type {import('next').NextConfig} */
const nextConfig = {
  // Self-host: `node .next/standalone/server.js` runs without node_modules beside it.
  output: "standalone",
  // Native / heavy server packages are loaded from node_modules at run time, not bundled:
  // onnxruntime-node ships a .node binary and transformers.js loads it dynamically.
  serverExternalPackages: ["@huggingface/transformers", "onnxruntime-node", "ioredis"],
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
