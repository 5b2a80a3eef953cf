/**
 * Hostile and unusual picture bytes that no encoder writes on request: written out by hand, so the
 * tests state exactly what the upload carries (an ICC profile, IPTC, a HEIC header, …).
 */

/** A JPEG with extra marker segments inserted right after its SOI marker (FF D8). */
export const withJpegSegments = (jpeg: Uint8Array, ...segments: Uint8Array[]) =>
  Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);

/** One JPEG marker segment: FF, the marker, a big-endian length that counts itself, the payload. */
export const jpegSegment = (marker: number, payload: Uint8Array) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** An ICC profile embedded in a JPEG: APP2 `ICC_PROFILE\0`, chunk 1 of 1. */
export const iccSegment = (profile: Uint8Array) =>
  jpegSegment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), profile]));

/** A comment segment (COM). */
export const commentSegment = (text: string) => jpegSegment(0xfe, Buffer.from(text, 'latin1'));

/**
 * IPTC as Photoshop writes it: APP13 `Photoshop 3.0`, an 8BIM resource 0x0404 holding IPTC-NAA
 * datasets (record 2: 80 by-line, 90 city, 116 copyright, …).
 */
export const iptcSegment = (datasets: { tag: number; text: string }[]) => {
  const iptc = Buffer.concat(
    datasets.map(({ tag, text }) => {
      const value = Buffer.from(text, 'utf8');
      const head = Buffer.from([0x1c, 0x02, tag, 0, 0]);
      head.writeUInt16BE(value.length, 3);
      return Buffer.concat([head, value]);
    }),
  );
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iptc.length);
  const resource = Buffer.concat([
    Buffer.from('8BIM', 'latin1'),
    Buffer.from([0x04, 0x04, 0, 0]), // resource id, empty Pascal name padded to even length
    size,
    iptc,
    Buffer.alloc(iptc.length % 2),
  ]);
  return jpegSegment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resource]));
};

const s15Fixed16 = (values: number[]) => {
  const bytes = Buffer.alloc(values.length * 4);
  for (const [i, v] of values.entries()) bytes.writeInt32BE(Math.round(v * 65536), i * 4);
  return bytes;
};
const pad4 = (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
const xyzTag = (xyz: number[]) => Buffer.concat([Buffer.from('XYZ \0\0\0\0', 'latin1'), s15Fixed16(xyz)]);
const gammaTag = (gamma: number) => {
  const bytes = Buffer.from('curv\0\0\0\0\0\0\0\x01\0\0\0\0', 'latin1');
  bytes.writeUInt16BE(Math.round(gamma * 256), 12);
  return bytes;
};
const descTag = (text: string) => {
  const ascii = Buffer.from(`${text}\0`, 'latin1');
  const count = Buffer.alloc(4);
  count.writeUInt32BE(ascii.length);
  // ICC v2 textDescriptionType: ASCII, then empty Unicode and ScriptCode parts.
  return Buffer.concat([Buffer.from('desc\0\0\0\0', 'latin1'), count, ascii, Buffer.alloc(8 + 3 + 67)]);
};

/**
 * A matrix/TRC ICC v2 display profile (RGB → XYZ, D50): colorants as columns, one gamma for all
 * three channels. Enough for lcms, which is what libvips converts with.
 */
export const rgbMatrixProfile = (
  name: string,
  colorants: { r: number[]; g: number[]; b: number[] },
  gamma: number,
) => {
  const curve = gammaTag(gamma);
  const tags: [string, Buffer][] = [
    ['desc', descTag(name)],
    ['wtpt', xyzTag([0.9642, 1, 0.8249])],
    ['rXYZ', xyzTag(colorants.r)],
    ['gXYZ', xyzTag(colorants.g)],
    ['bXYZ', xyzTag(colorants.b)],
    ['rTRC', curve],
    ['gTRC', curve],
    ['bTRC', curve],
    ['cprt', Buffer.from('text\0\0\0\0no copyright, test profile\0', 'latin1')],
  ];
  const tableSize = 4 + tags.length * 12;
  let offset = 128 + tableSize;
  const table = Buffer.alloc(tableSize);
  table.writeUInt32BE(tags.length, 0);
  const bodies = tags.map(([signature, body], i) => {
    table.write(signature, 4 + i * 12, 'latin1');
    table.writeUInt32BE(offset, 8 + i * 12);
    table.writeUInt32BE(body.length, 12 + i * 12);
    const padded = pad4(body);
    offset += padded.length;
    return padded;
  });
  const header = Buffer.alloc(128);
  header.writeUInt32BE(offset, 0);
  header.writeUInt32BE(0x02100000, 8); // version 2.1
  header.write('mntrRGB XYZ ', 12, 'latin1');
  header.write('acsp', 36, 'latin1');
  s15Fixed16([0.9642, 1, 0.8249]).copy(header, 68); // PCS illuminant D50
  return Buffer.concat([header, table, ...bodies]);
};

/** Adobe RGB (1998): colorants adapted to D50 as in Adobe's own profile, gamma 563/256. */
export const adobeRgbProfile = () =>
  rgbMatrixProfile(
    'Adobe RGB (1998) (test)',
    {
      r: [0.60974, 0.31111, 0.01947],
      g: [0.20528, 0.62567, 0.06087],
      b: [0.14919, 0.06322, 0.74457],
    },
    563 / 256,
  );

/** sRGB (0–255) to Adobe RGB (1998) (0–255), both D65: linearise, via XYZ, re-encode with 563/256. */
export const srgbToAdobeRgb = (rgb: number[]) => {
  const linear = rgb.map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
  const [r, g, b] = linear as [number, number, number];
  const xyz = [
    0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
    0.2126729 * r + 0.7151522 * g + 0.072175 * b,
    0.0193339 * r + 0.119192 * g + 0.9503041 * b,
  ];
  const [x, y, z] = xyz as [number, number, number];
  const adobe = [
    2.041369 * x - 0.5649464 * y - 0.3446944 * z,
    -0.969266 * x + 1.8760108 * y + 0.041556 * z,
    0.0134474 * x - 0.1183897 * y + 1.0154096 * z,
  ];
  return adobe.map((v) => Math.round(255 * Math.max(0, v) ** (256 / 563)));
};

/** The start of a HEIC file from a phone: an ISO-BMFF `ftyp` box with brand `heic`. */
export const heicHeader = () =>
  Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
    Buffer.alloc(64),
  ]);

/** True when `needle` (UTF-8) occurs in `bytes`: the leak scans. */
export const containsText = (bytes: Uint8Array, needle: string) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(needle, 'utf8'));
