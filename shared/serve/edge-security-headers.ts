/**
 * The security headers the production edge adds to EVERY answer — CloudFront's response-headers
 * policy on every behaviour (infra/constructs/site-distribution.ts) — and the local server adds
 * the same way (scripts/lib/node-http.ts). One definition, so `npm start` shows what readers get.
 *
 * `override` follows CloudFront's meaning: true replaces what the origin sent, false keeps it.
 * Pages send their own stricter CSP (a style hash, shared/serve/serve-request.ts), so the
 * default CSP here only fills answers without one: feeds, OPML, static 404/405 bodies.
 */
export const edgeSecurityHeaders = {
  strictTransportSecurity: {
    /** Two years; no includeSubdomains/preload: the newsroom's other subdomains are not ours to pin. */
    maxAgeSeconds: 730 * 24 * 3600,
    includeSubdomains: false,
    preload: false,
    override: true,
  },
  contentTypeOptions: { value: 'nosniff', override: true },
  /** CloudFront's `HeadersFrameOption.DENY`. */
  frameOptions: { value: 'DENY', override: true },
  /** CloudFront's `HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN`. */
  referrerPolicy: { value: 'strict-origin-when-cross-origin', override: true },
  contentSecurityPolicy: {
    value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    override: false,
  },
} as const;

/**
 * The headers as HTTP fields, each with its override flag. HSTS only when the site is served over
 * https: browsers ignore it on plain http (RFC 6797 §8.1), so the local server omits it.
 */
export const edgeSecurityHeaderFields = (https: boolean) => {
  const h = edgeSecurityHeaders;
  const fields: { name: string; value: string; override: boolean }[] = [
    { name: 'x-content-type-options', ...h.contentTypeOptions },
    { name: 'x-frame-options', ...h.frameOptions },
    { name: 'referrer-policy', ...h.referrerPolicy },
    { name: 'content-security-policy', ...h.contentSecurityPolicy },
  ];
  if (https) {
    const hsts = h.strictTransportSecurity;
    fields.push({
      name: 'strict-transport-security',
      value: `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`,
      override: hsts.override,
    });
  }
  return fields;
};
