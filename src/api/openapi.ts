import { maxBodyBytes } from './body';
import { maxPathsPerRequest, maxTracksPerRequest } from './schemas';

/**
 * The OpenAPI 3.1 description of the REST API, served at GET /api/v1/openapi.json. Written by
 * hand next to the routes; a test checks that every route and method appears here and that
 * nothing here is missing from the routes.
 */

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const response = (description: string, schema: object) => ({ description, content: json(schema) });

const errorResponses = {
  '401': { ...response('Missing or wrong bearer token.', ref('Error')), headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } },
  '429': { ...response('Too many requests; retry after the given seconds.', ref('Error')), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
};
const bodyErrors = {
  '400': response('The body is not valid JSON or does not match the schema.', ref('Error')),
  '413': response(`The body is larger than ${maxBodyBytes} bytes.`, ref('Error')),
  '415': response('The body is not application/json.', ref('Error')),
};
const rejected = { '409': response("The player refused the command in its current state; `error` is the player's message.", ref('Error')) };
const snapshotOk = { '200': response('The player state after the command.', ref('PlayerSnapshot')) };

function transport(summary: string) {
  return { post: { summary, responses: { ...snapshotOk, ...rejected, ...bodyErrors, ...errorResponses } } };
}

function withBody(schemaName: string) {
  return { required: true, content: json(ref(schemaName)) };
}

let cached: object | undefined;

export function openApiDocument(): object {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Playhead local API',
      version: '1.0.0',
      description:
        'Control the Playhead music player. Listens on 127.0.0.1 only; every request needs `Authorization: Bearer <token>`. ' +
        'Rate limited (about 20 requests per second, bursts of 40).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/player/status': { get: { summary: 'The player state', responses: { '200': response('The current snapshot.', ref('PlayerSnapshot')), ...errorResponses } } },
      '/player/play': transport('Play (stopped: the current or first track; paused: resume)'),
      '/player/pause': transport('Pause'),
      '/player/toggle': transport('Play or pause'),
      '/player/stop': transport('Stop'),
      '/player/next': transport('Next track in play order'),
      '/player/previous': transport('Previous track (or restart the current one when more than 3 s in)'),
      '/player/seek': {
        post: {
          summary: 'Seek to a position or by a distance',
          requestBody: withBody('SeekRequest'),
          responses: { ...snapshotOk, ...rejected, ...bodyErrors, ...errorResponses },
        },
      },
      '/player/volume': {
        post: {
          summary: 'Set the volume',
          requestBody: withBody('VolumeRequest'),
          responses: { ...snapshotOk, ...rejected, ...bodyErrors, ...errorResponses },
        },
      },
      '/queue': {
        get: { summary: 'The queue', responses: { '200': response('The queue items and the current index.', ref('Queue')), ...errorResponses } },
        post: {
          summary: 'Add tracks, or files, folders and playlists by absolute path, at the end or next',
          requestBody: withBody('QueueAddRequest'),
          responses: { '201': response('What was added, and paths that gave nothing.', ref('QueueAddResult')), ...bodyErrors, ...errorResponses },
        },
        delete: { summary: 'Clear the queue (stops playback)', responses: { '200': response('The (empty) queue.', ref('Queue')), ...errorResponses } },
      },
      '/queue/{index}': {
        delete: {
          summary: 'Remove one queue item',
          parameters: [{ name: 'index', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }],
          responses: {
            '200': response('The queue after the removal.', ref('Queue')),
            '400': response('Not a whole number.', ref('Error')),
            '404': response('No item at that index.', ref('Error')),
            ...errorResponses,
          },
        },
      },
      '/playlists': { get: { summary: 'Known playlists', responses: { '200': response('Playlist files.', ref('Playlists')), ...errorResponses } } },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': response('OpenAPI 3.1 document.', { type: 'object' }), ...errorResponses } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'reason'],
          properties: { error: { type: 'string', description: 'For people.' }, reason: { type: 'string', description: 'Stable code, e.g. invalid-state, empty-queue, bad-request.' } },
        },
        Track: {
          type: 'object',
          required: ['uri'],
          properties: {
            uri: { type: 'string', description: 'Absolute file path or http(s) URL.' },
            title: { type: 'string' },
            artist: { type: 'string' },
            album: { type: 'string' },
            albumArtist: { type: 'string' },
            durationMs: { type: 'number', minimum: 0 },
            trackNo: { type: 'number', minimum: 0 },
            discNo: { type: 'number', minimum: 0 },
            hasCover: { type: 'boolean' },
            replayGain: {
              type: 'object',
              description: 'From the tags: gains in dB, peaks as linear ratios (1 = full scale).',
              properties: { trackGain: { type: 'number' }, trackPeak: { type: 'number' }, albumGain: { type: 'number' }, albumPeak: { type: 'number' } },
            },
          },
        },
        QueueItem: { type: 'object', required: ['id', 'track'], properties: { id: { type: 'string' }, track: ref('Track') } },
        PlayerSnapshot: {
          type: 'object',
          required: ['version', 'state', 'queueIndex', 'queueLength', 'queueVersion', 'positionMs', 'positionAt', 'volume', 'muted', 'shuffle', 'repeat', 'stopAfterCurrent'],
          properties: {
            version: { type: 'integer', description: 'Grows on every change.' },
            state: { enum: ['stopped', 'playing', 'paused', 'buffering'] },
            track: ref('Track'),
            queueIndex: { type: 'integer', description: '-1 for none.' },
            queueLength: { type: 'integer' },
            queueVersion: { type: 'integer' },
            positionMs: { type: 'number' },
            positionAt: { type: 'number', description: 'Epoch ms when positionMs was measured; while playing add (now - positionAt).' },
            durationMs: { type: 'number' },
            volume: { type: 'number', minimum: 0, maximum: 1 },
            muted: { type: 'boolean' },
            shuffle: { type: 'boolean' },
            repeat: { enum: ['off', 'all', 'one'] },
            stopAfterCurrent: { type: 'boolean' },
            error: {
              type: 'object',
              properties: { message: { type: 'string' }, kind: { type: 'string' }, trackUri: { type: 'string' }, at: { type: 'number' } },
            },
            streamTitle: { type: 'string', description: "A stream's (internet radio) ICY StreamTitle: what is on now. The track is then the station." },
            bufferingProgress: { type: 'number', minimum: 0, maximum: 1, description: 'Only while state is buffering: how far towards playing on.' },
          },
        },
        SeekRequest: {
          oneOf: [
            { type: 'object', required: ['positionMs'], properties: { positionMs: { type: 'number', minimum: 0 } } },
            { type: 'object', required: ['deltaMs'], properties: { deltaMs: { type: 'number' } } },
          ],
        },
        VolumeRequest: { type: 'object', required: ['volume'], properties: { volume: { type: 'number', minimum: 0, maximum: 1 } } },
        QueueAddRequest: {
          type: 'object',
          properties: {
            tracks: { type: 'array', items: ref('Track'), minItems: 1, maxItems: maxTracksPerRequest },
            paths: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: maxPathsPerRequest, description: 'Absolute paths of files, folders or playlists, or http(s) URLs.' },
            position: { enum: ['end', 'next'], default: 'end' },
          },
          oneOf: [{ required: ['tracks'] }, { required: ['paths'] }],
        },
        QueueAddResult: {
          type: 'object',
          properties: {
            added: { type: 'array', items: ref('QueueItem') },
            skipped: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, reason: { type: 'string' } } } },
            queueLength: { type: 'integer' },
          },
        },
        Queue: {
          type: 'object',
          properties: { version: { type: 'integer' }, currentIndex: { type: 'integer' }, items: { type: 'array', items: ref('QueueItem') } },
        },
        Playlists: {
          type: 'object',
          properties: {
            playlists: {
              type: 'array',
              items: { type: 'object', properties: { name: { type: 'string' }, path: { type: 'string' }, format: { enum: ['m3u8', 'm3u', 'pls'] } } },
            },
          },
        },
      },
    },
  };
  return cached;
}
