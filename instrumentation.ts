/**
 * Runs once when the server starts: validates the configuration (a bad value stops the
 * server with a message naming the variable), says what is missing, and warms up Redis and
 * the embedding model in the background so the first message does not pay for them.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return; // eslint-disable-line no-restricted-properties -- Next.js' own runtime flag
  const { startup } = await import("./lib/startup");
  await startup();
}
