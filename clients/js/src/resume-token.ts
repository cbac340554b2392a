/**
 * The channels an SSE resume token names. The gateway's token is base64url JSON `{"v":1,"c":[[channel,epoch,offset],…]}`
 * (gateway/Connections/ResumeToken.cs); the client reads it only to know which subscriptions the server will resume
 * by itself, so it does not subscribe to them twice. A token that also names durable streams (`"s"`), another version
 * or garbage returns undefined: the client then opens SSE without it and resubscribes everything with `since` (a
 * stream resumed by the token and subscribed again by the client would be refused as a second subscription).
 */
export function resumeTokenChannels(token: string): string[] | undefined {
  try {
    const base64 = token.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)));
    if (json?.v !== 1 || !Array.isArray(json.c)) return undefined;
    if (Array.isArray(json.s) && json.s.length > 0) return undefined;
    const channels = json.c.map((entry: unknown) => (Array.isArray(entry) ? entry[0] : undefined));
    return channels.every((c: unknown) => typeof c === 'string') ? channels : undefined;
  } catch {
    return undefined;
  }
}
