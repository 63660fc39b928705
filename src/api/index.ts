/** The local REST API: plain Node (no `vscode`), hosted by `playhead serve` and by the extension. */
export { ApiServer, loopbackHost, type ApiServerOptions } from './server';
export type { PlaylistSummary } from './routes';
export { generateToken, tokensEqual } from './token';
export { defaultRateLimit, type RateLimitOptions } from './rate-limit';
