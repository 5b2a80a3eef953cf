import type { Block } from './page-text-blocks.ts';
import { isCorrectionHeading } from './page-text-correction.ts';

/**
 * Verse (诗歌) on 副刊 pages: a poem is printed as short lines, mostly without sentence
 * punctuation, right under its title and author line. Read as prose, the column-break repair
 * would join its lines into one paragraph and the headline rules would take them for kickers and
 * titles; so a poem is recognised first and its lines are kept as lines.
 */

/** A verse line is short; longer lines are prose (a poem's lines rarely exceed this). */
const maxVerseLineLength = 30;
/** Fewer lines than this under an author line are no poem (a short essay paragraph or two). */
const minVerseLines = 3;
const innerStopRe = /[。；;！!？?](?!["”’」』)）]*$)/;
const fullStopEndRe = /[。.][”"’」』)）]*$/;

const canBeVerse = (block: Block) =>
  (block.kind === 'heading' || block.kind === 'prose') && block.text.length <= maxVerseLineLength;

/**
 * Where the poem that starts at `start` ends (exclusive), or `start` when the lines there are no
 * poem. The run stops before a line that is the next piece's title — one an author line, a
 * byline or a lead follows (`isTitleBefore`), or a short unpunctuated line a long prose line
 * follows — and at any line that is no verse (a label, the editor line, a jump, long prose).
 *
 * Short prose is told apart by its punctuation: a poem has no full stop inside a line and not
 * every line ends with one. Hard-wrapped prose (lines of one length, most not ending at a
 * punctuation mark) is no poem either.
 */
export const verseEnd = (
  blocks: readonly Block[],
  start: number,
  isTitleBefore: (next: Block) => boolean,
): number => {
  let end = start;
  while (end < blocks.length) {
    const block = blocks[end]!;
    if (!canBeVerse(block) || isCorrectionHeading(block.text)) break;
    const next = blocks[end + 1];
    if (next !== undefined && end > start) {
      if (isTitleBefore(next)) break;
      if (block.kind === 'heading' && next.kind === 'prose' && next.text.length > maxVerseLineLength) break;
    }
    end += 1;
  }
  const lines = blocks.slice(start, end);
  if (lines.length < minVerseLines) return start;
  if (lines.some((b) => innerStopRe.test(b.text))) return start;
  if (lines.every((b) => fullStopEndRe.test(b.text))) return start;
  if (isWrappedProse(lines)) return start;
  return end;
};

const punctuatedEndRe = /[,，、。.;；:：!！?？…—”"’」』)）]$/;

/** Narrower than this, lines of one length are verse (五言/七言), not a wrapped column. */
const minWrapWidth = 12;
/** Full- and half-width punctuation make wrapped lines of one column differ by a character or two. */
const wrapTolerance = 2;

/** Lines cut at a fixed width: all but the last of about one length, most ending mid-phrase. */
const isWrappedProse = (lines: readonly Block[]) => {
  const body = lines.slice(0, -1);
  const width = Math.max(...body.map((b) => b.text.length));
  const sameWidth = body.filter((b) => b.text.length >= width - wrapTolerance).length;
  const punctuated = body.filter((b) => punctuatedEndRe.test(b.text)).length;
  return (
    body.length >= 2 &&
    width >= minWrapWidth &&
    sameWidth >= body.length * 0.8 &&
    punctuated * 2 < body.length
  );
};

/**
 * The poem's stanzas, each its lines joined by `\n`. Blank lines separate stanzas only where the
 * poem also has lines without one between them; when every line stands alone (a layout that puts
 * a blank line after every line), blank lines say nothing and the poem is one stanza.
 */
export const stanzasOf = (lines: readonly Block[]): string[] => {
  const meaningful = lines.slice(1).some((b) => !b.gap);
  const stanzas: string[][] = [];
  for (const [i, block] of lines.entries()) {
    if (i === 0 || (meaningful && block.gap)) stanzas.push([block.text]);
    else stanzas.at(-1)!.push(block.text);
  }
  return stanzas.map((stanza) => stanza.join('\n'));
};
