/**
 * `Accept` negotiation between the HTML page and the JSON record (RFC 9110 §12.5.1): for each
 * candidate, the quality of the most specific matching media range counts; JSON wins only when
 * preferred, so browsers (`text/html,…,*\/*;q=0.8`) and absent headers get HTML.
 */
interface Range {
  type: string;
  subtype: string;
  q: number;
}

const parseAccept = (accept: string): Range[] =>
  accept.split(',').flatMap((part) => {
    const [mediaRange, ...params] = part.split(';');
    const [type, subtype] = (mediaRange ?? '').trim().toLowerCase().split('/');
    if (!type || !subtype) return [];
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim().toLowerCase() === 'q') {
        const parsed = Number(value?.trim());
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    return [{ type, subtype, q }];
  });

/** Quality and specificity (3 exact, 2 `type/*`, 1 `*\/*`, 0 none) of a media type. */
const match = (ranges: Range[], type: string, subtype: string) => {
  let best = { q: 0, specificity: 0 };
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 3
        : range.type === type && range.subtype === '*'
          ? 2
          : range.type === '*' && range.subtype === '*'
            ? 1
            : 0;
    if (specificity > best.specificity) best = { q: range.q, specificity };
  }
  return best;
};

/** True when the Accept header prefers `application/json` over `text/html`. */
export const prefersJson = (accept: string | null) => {
  // Fast path: no JSON media range and no wildcard that could rank JSON above HTML.
  if (accept === null || !/json|application\/\*/i.test(accept)) return false;
  const ranges = parseAccept(accept);
  const json = match(ranges, 'application', 'json');
  const html = match(ranges, 'text', 'html');
  if (json.q === 0) return false;
  return json.q > html.q || (json.q === html.q && json.specificity > html.specificity);
};
