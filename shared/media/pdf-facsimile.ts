import { InvalidUploadError } from '../errors.ts';
import { mediaKey, objectPolicy } from '../site-layout.ts';
import { mediaDigest } from './media-digest.ts';
import { type PdfContentProblem, pdfContentProblem } from './pdf-content-check.ts';

/**
 * Page facsimiles as PDF (版面 PDF): published as uploaded, never rendered here. Checking the
 * header and the end-of-file marker catches the two failures seen in practice — the wrong file
 * (a Word document or a page image named .pdf) and a truncated upload — without a PDF parser in
 * the build function; a scan of its names refuses encrypted PDFs and PDFs that would run
 * something (pdf-content-check.ts). Readers' browsers render the file with their own viewers.
 */

export interface PdfLimits {
  /** Upload size cap in bytes. */
  maxBytes: number;
}

/** A broadsheet page with its photos at print resolution is 5–30 MB; 100 MB leaves room. */
export const defaultPdfLimits: PdfLimits = { maxBytes: 100 * 2 ** 20 };

export interface PdfFacsimile {
  key: string;
  contentType: string;
  cacheControl: string;
  bytes: Uint8Array;
}

/** PDF files start with `%PDF-` and a version (1.0–2.0). */
const headerRe = /^%PDF-[12]\.\d/;
/**
 * `%%EOF` closes every PDF; writers may follow it with a line end and incremental updates append
 * another. 1024 bytes is the window readers (pdf.js, Acrobat) search at the end.
 */
const eofWindow = 1024;
const eofMarker = '%%EOF';

const problemMessage = (problem: PdfContentProblem) => {
  switch (problem.kind) {
    case 'encrypted':
      return 'the PDF is encrypted (a password or permission settings); export the page without security';
    case 'active':
      return `the PDF contains ${problem.what}; export the page as a plain PDF without scripts, actions or attachments`;
    case 'location':
      return 'a picture in the PDF carries the GPS position where it was taken; export the page with picture metadata removed';
    case 'unreadable':
      return `the PDF cannot be checked: ${problem.why}`;
  }
};

/**
 * Validate a PDF facsimile and name it. The key is content-addressed; the file name carries the
 * date and page so a reader who saves it gets a meaningful name (`2024-11-30-01.pdf`).
 *
 * @throws InvalidUploadError `empty`, `too-large`, `not-a-pdf` (wrong header, or no `%%EOF` at
 *   the end: a truncated upload), `unsupported-pdf` (encrypted, or JavaScript, launch actions,
 *   embedded files or media: pdf-content-check.ts).
 */
export const validatePdfFacsimile = (
  bytes: Uint8Array,
  name: { date: string; page: number },
  limits: PdfLimits = defaultPdfLimits,
): PdfFacsimile => {
  if (bytes.length === 0) throw new InvalidUploadError('empty', 'the PDF is empty');
  if (bytes.length > limits.maxBytes) {
    throw new InvalidUploadError(
      'too-large',
      `the PDF is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted (maxPdfBytes)`,
    );
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 16));
  if (!headerRe.test(head))
    throw new InvalidUploadError('not-a-pdf', 'the file does not start with a PDF header');
  const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - eofWindow)));
  if (!tail.includes(eofMarker)) {
    throw new InvalidUploadError('not-a-pdf', 'the PDF has no end-of-file marker: the upload is truncated', {
      location: { offset: bytes.length },
    });
  }
  const problem = pdfContentProblem(bytes);
  if (problem !== undefined) throw new InvalidUploadError('unsupported-pdf', problemMessage(problem));
  const fileName = `${name.date}-${String(name.page).padStart(2, '0')}.pdf`;
  const digest = mediaDigest(bytes);
  return {
    key: mediaKey(digest, fileName),
    ...objectPolicy({ kind: 'media', digest, file: fileName }),
    bytes,
  };
};
