/**
 * Who the report answers. A browser page on another site must neither read the report through a name that
 * resolves to this machine (DNS rebinding: the Host header names the attacker's domain) nor post forms to it
 * (cross-site requests: the Origin or Sec-Fetch-Site header says where the page came from). Scripts such as curl
 * send neither header and are served as before.
 */
import type { MiddlewareHandler } from "hono";

/** What a server is reachable as: host names (lower case, IPv6 in brackets) on one port. */
export interface ServedHosts {
  names: Set<string>;
  port: number;
}

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/** `::1` → `[::1]`, as URLs and Host headers write IPv6 addresses. */
function hostName(host: string): string {
  const name = host.toLowerCase();
  return name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
}

/** The bound address, the loopback names and any `extra` names, on the bound port. */
export function servedHosts(bound: string, port: number, extra: string[] = []): ServedHosts {
  return { names: new Set([bound, ...LOOPBACK, ...extra].map(hostName)), port };
}

/**
 * A name `--allow-host` may add: a DNS name or an IP address, nothing more (no port, path or credentials).
 * Throws a one-line error otherwise.
 */
export function checkHostName(host: string): string {
  let url: URL | undefined;
  try {
    url = new URL(`http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}/`);
  } catch {
    // Reported below.
  }
  if (!url || url.hostname !== hostName(host) || url.port !== "" || host === "") {
    throw new Error(`${JSON.stringify(host)} is not a host name or IP address`);
  }
  return host;
}

/** True when `url` (built from the request's Host header) names one of `served`. */
export function isServedHost(url: URL, served: ServedHosts): boolean {
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return port === served.port && served.names.has(url.hostname);
}

const SAFE_METHODS = /^(GET|HEAD|OPTIONS)$/;

/**
 * True when a state-changing request comes from another site: its Origin is not the request's own, or, without
 * an Origin, its Sec-Fetch-Site is neither same-origin nor none (typed by the user). Any content type counts.
 */
export function isCrossSite(request: Request): boolean {
  if (SAFE_METHODS.test(request.method)) return false;
  const origin = request.headers.get("origin");
  if (origin !== null) return origin !== new URL(request.url).origin;
  const site = request.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

/**
 * Refuses (403, through `refuse`) requests addressed to another host when `served` is given, and cross-site
 * state-changing requests always. hono/csrf is not used: it refuses clients that send neither Origin nor
 * Sec-Fetch-Site (scripts) and checks only form content types.
 */
export function requestGuard(
  served: ServedHosts | undefined,
  refuse: (request: Request, message: string) => Response | Promise<Response>,
): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (served && !isServedHost(url, served)) {
      return refuse(c.req.raw, `this report does not answer to ${url.host}: start serve with --allow-host to add it`);
    }
    if (isCrossSite(c.req.raw)) {
      return refuse(c.req.raw, `${c.req.method} from another site (${c.req.header("origin") ?? "cross-site"}) refused`);
    }
    await next();
  };
}
