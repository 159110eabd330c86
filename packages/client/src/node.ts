// @conclave/client/node — what only Node needs: the `ws` WebSocket (Node 20 has no global one)
// and a file-backed store for the device identity and pinned keys. Browsers never import this.
export { nodeWebSocketFactory } from './node/websocket.ts';
export { FileStore } from './node/file-store.ts';
