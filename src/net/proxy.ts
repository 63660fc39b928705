/**
 * Which proxy, if any, a request goes through. The VS Code glue passes the `http.proxy`
 * setting as `proxy`; otherwise the usual environment variables apply. Loopback addresses
 * never use an environment proxy (a local server is never behind one, and tests rely on it).
 */
export interface ProxySettings {
  /** Explicit proxy URL (VS Code's `http.proxy`); empty or undefined = from the environment. */
  readonly proxy?: string;
  /** Value for the Proxy-Authorization header (VS Code's `http.proxyAuthorization`). */
  readonly proxyAuthorization?: string;
  /** Verify TLS certificates (VS Code's `http.proxyStrictSSL`, default true). */
  readonly strictSSL?: boolean;
  /** The environment to read HTTP(S)_PROXY / NO_PROXY from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function resolveProxy(target: URL, settings: ProxySettings = {}): URL | undefined {
  const env = settings.env ?? process.env;
  const explicit = settings.proxy?.trim();
  let raw: string | undefined;
  if (explicit) {
    raw = explicit;
  } else {
    if (isLoopback(target.hostname)) return undefined;
    raw = target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  }
  if (!raw || bypassed(target, env.NO_PROXY ?? env.no_proxy)) return undefined;
  try {
    // "host:port" without a scheme is common in proxy variables.
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/** The Proxy-Authorization header: the explicit setting, else Basic from user:pass in the URL. */
export function proxyAuthorization(proxy: URL, settings: ProxySettings = {}): string | undefined {
  if (settings.proxyAuthorization) return settings.proxyAuthorization;
  if (!proxy.username) return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** NO_PROXY: comma/space separated hosts, `.suffix` or `suffix` domain matches, optional :port, `*` for all. */
function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const item of noProxy.split(/[\s,]+/)) {
    if (!item) continue;
    if (item === '*') return true;
    const [pattern, patternPort] = item.toLowerCase().split(/:(?=\d+$)/) as [string, string | undefined];
    if (patternPort && patternPort !== port) continue;
    const domain = pattern.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}
