import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { photoPlan } from '../shared/media/process-image.ts';
import { readUploadReport } from '../shared/readers/read-upload.ts';
import { photoLikeJpeg } from '../test/media/generated-pictures.ts';
import { yearOfPages } from '../test/support/year-of-pages.ts';
import type { Goal } from './goal.ts';
import { bare } from './photo-bench.ts';

/**
 * A back catalogue with pictures (issue 11 with issue 13): a month of pages in the sample's
 * layout, imported once as text only and once with two 6-megapixel photos on every front page
 * (labelled with the start of an article's title, as the upload contract asks), side by side.
 * What the photos add to the import is set against sharp's bare resize of the same pictures to
 * the same renditions (photo-bench.ts), one after another in this process: the ratio is what
 * bringing a picture into the site costs beyond making its renditions.
 */

const days = 30;
const photosPerDay = 2;

/** Write the month's pages into `textDir` and, with the photos, into `photoDir`; the photo files. */
const writeCatalogues = async (textDir: string, photoDir: string) => {
  const photos: string[] = [];
  for (const { path, text } of yearOfPages({ days, start: '2024-01-01' })) {
    for (const dir of [textDir, photoDir]) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    if (!path.endsWith('/01.txt')) continue;
    const date = path.split('/')[0]!;
    const { issue } = readUploadReport(new TextEncoder().encode(text), `incoming/${path}`);
    for (let n = 0; n < photosPerDay; n += 1) {
      const label = issue.pages[0]!.articles[n]!.title.slice(0, 4);
      const file = join(photoDir, date, `01-${label}.jpg`);
      await writeFile(file, await photoLikeJpeg(3000, 2000, Date.parse(date) / 86_400_000 + n));
      photos.push(file);
    }
  }
  return photos;
};

export const importPhotosBench = async (
  tmp: string,
  importMonth: (pagesDir: string, dataDir: string) => { seconds: number; peakMb: number; line: string },
): Promise<{ lines: string[]; goals: Goal[] }> => {
  const textDir = join(tmp, 'month-text');
  const photoDir = join(tmp, 'month-photos');
  const photos = await writeCatalogues(textDir, photoDir);
  const text = importMonth(textDir, join(tmp, 'month-text-data'));
  const withPhotos = importMonth(photoDir, join(tmp, 'month-photos-data'));
  const started = performance.now();
  for (const file of photos) await bare(await readFile(file), photoPlan.formats);
  const bareSeconds = (performance.now() - started) / 1000;
  const added = withPhotos.seconds - text.seconds;
  const ratio = added / bareSeconds;
  return {
    lines: [
      `a month (${days} dates) imported as text only: ${text.seconds.toFixed(2)} s, ${text.peakMb.toFixed(0)} MB; with ${photos.length} photos of 6 MP: ${withPhotos.seconds.toFixed(2)} s, ${withPhotos.peakMb.toFixed(0)} MB (${withPhotos.line})`,
      `the photos add ${added.toFixed(2)} s (${((added / photos.length) * 1000).toFixed(0)} ms a photo); sharp's bare resize of the same photos to the same renditions, one after another: ${bareSeconds.toFixed(2)} s — ratio ${ratio.toFixed(2)}`,
    ],
    goals: [{ name: 'import-photos-vs-bare-resize', measured: ratio, op: '<=', target: 1.5 }],
  };
};
