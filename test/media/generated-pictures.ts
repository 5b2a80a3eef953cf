import sharp from 'sharp';

/**
 * Pictures made in the tests (the repository ships no photograph): deterministic, from a seeded
 * generator, so every run and the benchmark see the same bytes.
 */

/** mulberry32: a tiny seeded PRNG, enough for test noise. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
};

/**
 * Raw RGB pixels that compress like a photograph rather than like pure noise or a flat fill:
 * smooth blobs (a coarse random grid upscaled) with a little grain on top.
 */
export const photoLikePixels = async (width: number, height: number, seed = 1) => {
  const random = seededRandom(seed);
  const coarse = { width: Math.max(2, Math.round(width / 60)), height: Math.max(2, Math.round(height / 60)) };
  const grid = Buffer.alloc(coarse.width * coarse.height * 3);
  for (let i = 0; i < grid.length; i += 1) grid[i] = Math.floor(random() * 256);
  const smooth = await sharp(grid, { raw: { ...coarse, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  for (let i = 0; i < smooth.length; i += 1) {
    smooth[i] = Math.max(0, Math.min(255, smooth[i]! + Math.floor((random() - 0.5) * 16)));
  }
  return sharp(smooth, { raw: { width, height, channels: 3 } });
};

/** A photo-like JPEG as a camera would write it (quality 90). */
export const photoLikeJpeg = async (width: number, height: number, seed = 1) =>
  (await photoLikePixels(width, height, seed)).jpeg({ quality: 90 }).toBuffer();

/** A flat picture of one colour. */
export const flat = (
  width: number,
  height: number,
  colour: { r: number; g: number; b: number; alpha?: number },
) => sharp({ create: { width, height, channels: colour.alpha === undefined ? 3 : 4, background: colour } });

/** Left half one colour, right half another: shows where a rotation put the left edge. */
export const twoHalves = (width: number, height: number, left: number[], right: number[]) => {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) pixels.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
};

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Uint8Array) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const pngChunk = (type: string, data: Uint8Array) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/**
 * A decompression bomb made cheaply: a well-formed PNG header announcing `width × height` RGB
 * pixels, followed by a few bytes of image data. Decoding it would need width × height × 3
 * bytes; a header check refuses it without trying.
 */
export const pngBomb = (width: number, height: number) => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
};

/** The marker segments of a JPEG before its scan data, e.g. ['APP0', 'DQT', 'SOF0', 'DHT', 'SOS']. */
export const jpegSegments = (bytes: Uint8Array): string[] => {
  const names: string[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    const name =
      marker >= 0xe0 && marker <= 0xef
        ? `APP${marker - 0xe0}`
        : marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
          ? `SOF${marker - 0xc0}`
          : (({ 196: 'DHT', 219: 'DQT', 221: 'DRI', 218: 'SOS', 254: 'COM' } as Record<number, string>)[
              marker
            ] ?? `0x${marker.toString(16)}`);
    names.push(name);
    if (marker === 0xda) break;
    at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  }
  return names;
};

/** The chunk types of a WebP (RIFF) file, e.g. ['VP8 '] or ['VP8X', 'ICCP', 'VP8 ', 'EXIF']. */
export const webpChunks = (bytes: Uint8Array): string[] => {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (let at = 12; at + 8 <= view.length; ) {
    types.push(view.toString('latin1', at, at + 4));
    const size = view.readUInt32LE(at + 4);
    at += 8 + size + (size % 2);
  }
  return types;
};

/** The RGB of the pixel at (x, y) of an encoded picture. */
export const pixelAt = async (bytes: Uint8Array, x: number, y: number) => {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
};

/** True when every channel is within `tolerance` of the expected value. */
export const near = (actual: number[], expected: number[], tolerance: number) =>
  actual.every((value, i) => Math.abs(value - expected[i]!) <= tolerance);
