// The `ws` package as the SDK's WebSocket on Node 20 (which has no global WebSocket).
import { WebSocket } from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../transport/websocket.ts';

export function nodeWebSocketFactory(options: { maxPayload?: number } = {}): WebSocketFactory {
  return (url) =>
    new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: options.maxPayload ?? 8 * 1024 * 1024,
    }) as unknown as WebSocketLike;
}
