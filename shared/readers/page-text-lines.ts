/** One non-blank line of page text, trimmed, with its 1-based line number in the upload. */
export interface TextLine {
  text: string;
  line: number;
  /** A blank line stands between this line and the previous non-blank one (stanza breaks). */
  gap?: boolean;
}

const lineBreakRe = /\r\n?/g;

/**
 * Split page text into its non-blank lines. CRLF and lone CR count as one line break each, so
 * line numbers match what an editor shows. Trimming also drops the full-width spaces (U+3000)
 * that indent paragraphs in e-paper exports.
 */
export const splitTextLines = (text: string): TextLine[] => {
  const normalised = text.includes('\r') ? text.replace(lineBreakRe, '\n') : text;
  const lines: TextLine[] = [];
  let start = 0;
  let line = 1;
  let blank = false;
  while (start <= normalised.length) {
    let end = normalised.indexOf('\n', start);
    if (end === -1) end = normalised.length;
    const trimmed = normalised.slice(start, end).trim();
    if (trimmed === '') blank = true;
    else {
      lines.push(blank && lines.length > 0 ? { text: trimmed, line, gap: true } : { text: trimmed, line });
      blank = false;
    }
    start = end + 1;
    line += 1;
  }
  return lines;
};
