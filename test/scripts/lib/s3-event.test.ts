import { describe, expect, it } from 'vitest';
import { createSequencer, encodeS3EventKey, s3EventFor } from '../../../scripts/lib/s3-event.ts';

/** How the build handler (and every S3 consumer) must decode event keys. */
const decodeS3EventKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

describe('encodeS3EventKey', () => {
  it.each([
    'incoming/2024-11-30/01.txt',
    'incoming/2024-11-30/第 1 版.txt',
    'incoming/2024-11-30/a+b c%20d.txt',
    "incoming/x/!'()*~.txt",
  ])('round-trips %s through S3 form decoding', (key) => {
    expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
  });

  it('writes spaces as + and a literal + as %2B, keeping slashes', () => {
    expect(encodeS3EventKey('incoming/a b+c/第1版.txt')).toBe('incoming/a+b%2Bc/%E7%AC%AC1%E7%89%88.txt');
  });
});

describe('s3EventFor', () => {
  it('builds an ObjectCreated:Put record with the encoded key, size and unquoted ETag', () => {
    const event = s3EventFor({
      type: 'created',
      key: 'incoming/2024-11-30/第 2 版.txt',
      bucket: 'ingest',
      sequencer: '0001',
      size: 42,
      eTag: '"abc"',
      at: new Date('2024-11-30T00:00:00Z'),
    });
    expect(event.Records).toHaveLength(1);
    const record = event.Records[0]!;
    expect(record.eventName).toBe('ObjectCreated:Put');
    expect(record.s3.bucket.name).toBe('ingest');
    expect(record.s3.object).toEqual({
      key: 'incoming/2024-11-30/%E7%AC%AC+2+%E7%89%88.txt',
      size: 42,
      eTag: 'abc',
      sequencer: '0001',
    });
    expect(record.eventTime).toBe('2024-11-30T00:00:00.000Z');
  });

  it('builds an ObjectRemoved:Delete record with the encoded key', () => {
    const event = s3EventFor({
      type: 'removed',
      key: 'incoming/2024-11-30/02.txt',
      bucket: 'ingest',
      sequencer: '0002',
      at: new Date(0),
    });
    expect(event.Records[0]!.eventName).toBe('ObjectRemoved:Delete');
    expect(event.Records[0]!.s3.object).toEqual({
      key: 'incoming/2024-11-30/02.txt',
      size: 0,
      eTag: '',
      sequencer: '0002',
    });
  });
});

describe('createSequencer', () => {
  it('yields fixed-width hex strings that increase in string order', () => {
    const next = createSequencer(1_700_000_000_000);
    const values = Array.from({ length: 20 }, () => next());
    expect(new Set(values.map((v) => v.length)).size).toBe(1);
    expect([...values].sort()).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
  });
});
