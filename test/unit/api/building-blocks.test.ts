import * as assert from 'node:assert/strict';
import { TokenBucket } from '../../../src/api/rate-limit';
import { parseQueueAddBody, parseQueueIndex, parseSeekBody, parseVolumeBody } from '../../../src/api/schemas';
import { bearerToken, generateToken, tokensEqual } from '../../../src/api/token';

describe('api: building blocks', () => {
  it('token bucket: a burst, then the refill rate, with Retry-After rounded up', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3 }, () => now);
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
    assert.equal(bucket.take(), 1);
    now += 499;
    assert.equal(bucket.take(), 1, 'just short of one token');
    now += 2;
    assert.equal(bucket.take(), 0);
    now += 60_000;
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [0, 0, 0, 1], 'never more than the burst');
  });

  it('tokens: random 64-hex, compared whatever their lengths, read from Bearer headers only', () => {
    const token = generateToken();
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.notEqual(generateToken(), token);
    assert.equal(tokensEqual(token, token), true);
    assert.equal(tokensEqual(`${token}0`, token), false);
    assert.equal(tokensEqual('', token), false);
    assert.equal(bearerToken(`Bearer ${token}`), token);
    assert.equal(bearerToken(`bearer  ${token} `), token);
    assert.equal(bearerToken(`Basic ${token}`), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });

  it('schemas: clean values out, 400 with the field named otherwise', () => {
    assert.deepEqual(parseSeekBody({ positionMs: 1500, extra: 1 }), { positionMs: 1500 });
    assert.deepEqual(parseSeekBody({ deltaMs: -10_000 }), { deltaMs: -10_000 });
    assert.throws(() => parseSeekBody({ positionMs: Number.NaN }), /positionMs/);
    assert.equal(parseVolumeBody({ volume: 0 }), 0);
    assert.throws(() => parseVolumeBody({ volume: 1.01 }), /volume must be/);
    assert.deepEqual(parseQueueAddBody({ tracks: [{ uri: '/music/a.flac', title: 'A', bogus: true }] }), {
      tracks: [{ uri: '/music/a.flac', title: 'A' }],
      position: 'end',
    });
    assert.deepEqual(parseQueueAddBody({ paths: ['/music', 'https://example.invalid/s.mp3'], position: 'next' }), {
      paths: ['/music', 'https://example.invalid/s.mp3'],
      position: 'next',
    });
    assert.throws(() => parseQueueAddBody({ tracks: [{ uri: '/a' }, { uri: 'file.mp3' }] }), /tracks\[1\]\.uri/);
    assert.throws(() => parseQueueAddBody({ tracks: [{ uri: 'ftp://host/a.mp3' }] }), /not an absolute path or http/);
    assert.throws(() => parseQueueAddBody({ paths: Array.from({ length: 101 }, () => '/a') }), /at most 100/);
    assert.equal(parseQueueIndex('12'), 12);
    for (const bad of ['', '-1', '1e3', '0x1', ' 1', '1.0']) assert.throws(() => parseQueueIndex(bad), /Not a queue index/, bad);
  });
});
