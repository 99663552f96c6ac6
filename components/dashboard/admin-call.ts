/** A dashboard mutation: undefined on success, else the API's error message (or why there was none). */
export async function adminCall(
  url: string,
  method: "POST" | "PATCH" | "DELETE",
  body?: unknown,
): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method,
      ...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
    });
    if (res.ok) return undefined;
    const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    return answer.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return "The server did not answer.";
  }
}
