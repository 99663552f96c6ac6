/**
 * Runs once when the server starts: lib/app/start.ts validates the configuration (a bad value
 * stops the server with a message naming the variable), says what is missing, and warms up
 * Redis, the embedding model and the bot in the background so the first message does not pay.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return; // eslint-disable-line no-restricted-properties -- Next.js' own runtime flag
  const { startApp } = await import("./lib/app/start");
  await startApp();
}
