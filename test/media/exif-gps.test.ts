import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hasExifGps } from '../../shared/media/exif-gps.ts';

const jpegWithExif = (exif: Record<string, Record<string, string>>) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } })
    .withExif(exif)
    .jpeg()
    .toBuffer();

describe('hasExifGps', () => {
  it('finds a latitude or longitude in the GPS directory of an EXIF block', async () => {
    expect(
      hasExifGps(await jpegWithExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '28/1 57/1 0/1' } })),
    ).toBe(true);
    expect(
      hasExifGps(await jpegWithExif({ IFD3: { GPSLongitudeRef: 'E', GPSLongitude: '118/1 52/1 0/1' } })),
    ).toBe(true);
  });

  it('passes EXIF without a position', async () => {
    expect(hasExifGps(await jpegWithExif({ IFD0: { Make: 'TestCam' } }))).toBe(false);
    expect(hasExifGps(await jpegWithExif({ IFD3: { GPSAltitudeRef: '0' } }))).toBe(false);
  });

  it('reads broken EXIF without throwing: offsets past the end, counts larger than the data', () => {
    const tiff = (bytes: number[]) => Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(bytes)]);
    for (const bytes of [
      [],
      [0x49, 0x49, 0x2a, 0],
      [0x49, 0x49, 0x2a, 0, 0xff, 0xff, 0xff, 0x7f],
      [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0xff, 0xff, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
      [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0],
    ]) {
      expect(hasExifGps(tiff(bytes)), JSON.stringify(bytes)).toBe(false);
    }
  });
});
