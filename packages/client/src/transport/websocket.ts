// The slice of the WebSocket API the SDK uses: the browser's WebSocket has it, and so does the
// `ws` package (see `@conclave/client/node`). Injected as a factory, so tests can wrap or fake it.

export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export const WEBSOCKET_OPEN = 1;

/** The runtime's own WebSocket (browsers, Node ≥ 22), or undefined. */
export function globalWebSocketFactory(): WebSocketFactory | undefined {
  const Native = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
  if (Native === undefined) return undefined;
  return (url) => new Native(url) as WebSocketLike;
}

/** `http(s)://host` → `ws(s)://host/api/realtime`. */
export function realtimeUrl(server: string): string {
  const url = new URL('/api/realtime', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
