/**
 * The channels an SSE resume token names. The gateway's token is base64url JSON `{"v":1,"c":[[channel,epoch,offset],…]}`
 * (gateway/Connections/ResumeToken.cs); the client reads it only to know which subscriptions the server will resume
 * by itself, so it does not subscribe to them twice. Anything else (another version, garbage) returns undefined and
 * the client resubscribes with `since` instead.
 */
export function resumeTokenChannels(token: string): string[] | undefined {
  try {
    const base64 = token.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)));
    if (json?.v !== 1 || !Array.isArray(json.c)) return undefined;
    const channels = json.c.map((entry: unknown) => (Array.isArray(entry) ? entry[0] : undefined));
    return channels.every((c: unknown) => typeof c === 'string') ? channels : undefined;
  } catch {
    return undefined;
  }
}
