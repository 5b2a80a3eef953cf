/** One DNS label: letters, digits, inner hyphens, at most 63 characters. */
const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const hostPattern = new RegExp(`^(?=.{1,253}(?::|$))${label}(?:\\.${label})*(?::\\d{1,5})?$`);

/**
 * `https://<host>` from a host header value, or undefined unless it is a plain DNS name with an
 * optional port. Used when the site URL is not configured and the host comes from a header a
 * trusted proxy sets (CloudFront's viewer-request function, see docs/infrastructure.md); the
 * value still goes into every link of the page, so anything but a hostname is refused.
 */
export const siteUrlFromHost = (host: string | null | undefined): string | undefined => {
  if (host === null || host === undefined) return undefined;
  const normalised = host.trim().toLowerCase();
  return hostPattern.test(normalised) ? `https://${normalised}` : undefined;
};
