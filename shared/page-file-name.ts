/**
 * The page number every file name in a date folder starts with (docs/upload-contract.md), for
 * page text (`<NN>-<版名>.txt`) and pictures (`<NN>-<label>.jpg`, `<NN>.pdf`) alike: 1–3 digits,
 * leading zeros allowed, then nothing or a hyphen and the rest. Digits and the hyphen may be
 * full-width (an IME left in full-width mode types `０１－`), and spaces around the hyphen are
 * ignored.
 */
const pageNameRe = /^([0-9０-９]{1,3})(?:\s*[-－]\s*(.*))?$/s;

/** Full-width digits (U+FF10–FF19) as ASCII, so `Number` reads them. */
export const asciiDigits = (digits: string) =>
  digits.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** The page number and what follows its hyphen, of a file name without its extension. */
export const readPageName = (stem: string): { page: number; rest?: string } | undefined => {
  const match = pageNameRe.exec(stem);
  if (match === null) return undefined;
  const page = Number(asciiDigits(match[1]!));
  return match[2] === undefined ? { page } : { page, rest: match[2] };
};
