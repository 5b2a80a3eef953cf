/**
 * Whether bytes hold an EXIF block with a GPS position: the photographer's location, which must
 * never be published (issue 11). Pictures are re-encoded from their pixels and lose it; a PDF is
 * published as uploaded, and layout software often embeds a photo's JPEG bytes, EXIF included.
 */

const exifHeader = Buffer.from('Exif\0\0', 'latin1');
/** IFD0 tag pointing at the GPS IFD, and the GPS tags that place the camera. */
const gpsIfdPointer = 0x8825;
const gpsLatitude = 2;
const gpsLongitude = 4;

/** The tags of the TIFF directory at `offset` and their value fields; bounds-checked, never throws. */
const directory = (tiff: Buffer, offset: number, little: boolean) => {
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (offset < 8 || offset + 2 > tiff.length) return [];
  const entries: { tag: number; value: number }[] = [];
  for (let i = 0, at = offset + 2; i < u16(offset) && at + 12 <= tiff.length; i += 1, at += 12) {
    entries.push({ tag: u16(at), value: u32(at + 8) });
  }
  return entries;
};

/** True when the TIFF structure of an EXIF block has a GPS directory naming a latitude or longitude. */
const tiffHasGps = (tiff: Buffer) => {
  if (tiff.length < 8) return false;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return false;
  const little = order === 'II';
  const first = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  const gps = directory(tiff, first, little).find((e) => e.tag === gpsIfdPointer);
  // A camera without a fix writes an empty GPS directory: that places nobody.
  return (
    gps !== undefined &&
    directory(tiff, gps.value, little).some((e) => e.tag === gpsLatitude || e.tag === gpsLongitude)
  );
};

/** True when any EXIF block in `bytes` (as JPEG APP1 writes it: `Exif\0\0` + TIFF) carries a GPS position. */
export const hasExifGps = (bytes: Uint8Array) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(exifHeader); at >= 0; at = buffer.indexOf(exifHeader, at + 1)) {
    if (tiffHasGps(buffer.subarray(at + exifHeader.length))) return true;
  }
  return false;
};
