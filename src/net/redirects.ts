import type { IncomingMessage } from 'node:http';
import { NetError, redactUrl } from './errors';
import { sendRequest, type RequestInit } from './request';

export const MAX_REDIRECTS = 5;

export interface FollowedResponse {
  readonly response: IncomingMessage;
  /** Where the bytes really come from (later range requests go straight there). */
  readonly url: URL;
}

/**
 * A GET that follows up to `maxRedirects` redirects and fails clearly on a loop. The result
 * is a 2xx (or 304 for a conditional request); any other status is a NetError carrying it.
 */
export async function requestFollowingRedirects(start: URL, init: RequestInit, maxRedirects = MAX_REDIRECTS): Promise<FollowedResponse> {
  const visited = new Set<string>();
  let url = start;
  for (;;) {
    visited.add(url.href);
    const response = await sendRequest(url, init);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      response.destroy();
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new NetError('bad-url', `${redactUrl(start)}: redirect to an invalid location "${location}"`);
      }
      if (visited.has(next.href)) {
        throw new NetError('redirect-loop', `${redactUrl(start)}: redirect loop (${[...visited, next.href].map(redactUrl).join(' → ')})`);
      }
      if (visited.size > maxRedirects) {
        throw new NetError('too-many-redirects', `${redactUrl(start)}: more than ${maxRedirects} redirects`);
      }
      url = next;
      continue;
    }
    if ((status >= 200 && status < 300) || status === 304) return { response, url };
    response.destroy();
    const reason = response.statusMessage ? ` ${response.statusMessage}` : '';
    throw new NetError('http-status', `${redactUrl(url)}: the server answered HTTP ${status}${reason}`, status);
  }
}
