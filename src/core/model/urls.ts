// The URL a service is reached at. Built in this one place (pm run, pm env, pm wait, the API),
// so a later way of naming services (a proxy's host names) changes every front end at once.
import type { Port } from './port.js';

export const DEFAULT_URL_TEMPLATE = 'http://localhost:{port}';

/** A scheme, `://`, then characters that need no quoting in a dotenv file or a shell. */
const TEMPLATE = /^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9._~:/@%+,=?&!*{}[\]-]*$/;

export interface UrlRequest {
  readonly project: string;
  readonly service: string;
  readonly port: Port;
  /** The manifest's `url` for the service; `{port}` stands for its port. */
  readonly template?: string;
}

export function serviceUrl(request: UrlRequest): string {
  return (request.template ?? DEFAULT_URL_TEMPLATE).replaceAll('{port}', String(request.port));
}

export function isUrlTemplate(text: string): boolean {
  return TEMPLATE.test(text);
}

/** `api-gw` -> `API_GW_URL`, beside `API_GW_PORT`. */
export function serviceUrlName(service: string): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_URL`;
}
