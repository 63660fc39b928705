import type { IncomingMessage } from 'node:http';
import type { Player } from '../player/player';
import type { CommandResult } from '../player/result';
import type { PlayerSnapshot } from '../player/snapshot';
import type { Track } from '../player/track';
import type { ResolvedInputs } from '../library/resolve-inputs';
import { readJsonBody } from './body';
import { ApiError } from './errors';
import { openApiDocument } from './openapi';
import { parseQueueAddBody, parseQueueIndex, parseSeekBody, parseVolumeBody } from './schemas';

/** A playlist as GET /playlists lists it. */
export interface PlaylistSummary {
  readonly name: string;
  readonly path: string;
  readonly format: string;
}

/** What the routes need besides the player; the server fills in defaults. */
export interface RouteServices {
  readonly player: Player;
  readonly listPlaylists: () => Promise<readonly PlaylistSummary[]>;
  readonly resolvePaths: (paths: readonly string[]) => Promise<ResolvedInputs>;
}

export interface RouteContext {
  readonly services: RouteServices;
  readonly request: IncomingMessage;
  /** The `{name}` parts of the path, e.g. `index` for /queue/{index}. */
  readonly params: Readonly<Record<string, string>>;
}

export interface RouteResponse {
  readonly status: number;
  readonly body: unknown;
}

export type Method = 'GET' | 'POST' | 'DELETE';
type Handler = (context: RouteContext) => Promise<RouteResponse>;

export interface Route {
  /** OpenAPI-style template: `/api/v1/queue/{index}`. */
  readonly path: string;
  readonly methods: Partial<Record<Method, Handler>>;
}

export const apiPrefix = '/api/v1';

const ok = (body: unknown): RouteResponse => ({ status: 200, body });

/** 409 with the player's own words when it refuses a command (e.g. "Cannot pause while stopped."). */
function snapshotOr409(result: CommandResult, player: Player): RouteResponse {
  if (!result.ok) throw new ApiError(409, result.reason, result.message);
  return ok(player.snapshot satisfies PlayerSnapshot);
}

type Transport = 'play' | 'pause' | 'toggle' | 'stop' | 'next' | 'previous';
export const transportCommands: readonly Transport[] = ['play', 'pause', 'toggle', 'stop', 'next', 'previous'];

function transportRoute(command: Transport): Route {
  return {
    path: `${apiPrefix}/player/${command}`,
    methods: {
      POST: async ({ services, request }) => {
        await readJsonBody(request); // no fields, but a body must still be JSON and small
        return snapshotOr409(await services.player[command](), services.player);
      },
    },
  };
}

function queueBody(player: Player): unknown {
  const snapshot = player.snapshot;
  return { version: snapshot.queueVersion, currentIndex: snapshot.queueIndex, items: player.getQueue() };
}

/** Every endpoint. The server matches requests against this list; the OpenAPI test checks the document covers it. */
export const routes: readonly Route[] = [
  {
    path: `${apiPrefix}/player/status`,
    methods: { GET: async ({ services }) => ok(services.player.snapshot) },
  },
  ...transportCommands.map(transportRoute),
  {
    path: `${apiPrefix}/player/seek`,
    methods: {
      POST: async ({ services: { player }, request }) => {
        const seek = parseSeekBody(await readJsonBody(request));
        const result = 'positionMs' in seek ? await player.seek(seek.positionMs) : await player.seekBy(seek.deltaMs);
        return snapshotOr409(result, player);
      },
    },
  },
  {
    path: `${apiPrefix}/player/volume`,
    methods: {
      POST: async ({ services: { player }, request }) => {
        const volume = parseVolumeBody(await readJsonBody(request));
        return snapshotOr409(await player.setVolume(volume), player);
      },
    },
  },
  {
    path: `${apiPrefix}/queue`,
    methods: {
      GET: async ({ services }) => ok(queueBody(services.player)),
      POST: async ({ services, request }) => {
        const add = parseQueueAddBody(await readJsonBody(request));
        let tracks: readonly Track[];
        let skipped: ResolvedInputs['skipped'] = [];
        if ('paths' in add) {
          ({ tracks, skipped } = await services.resolvePaths(add.paths));
          if (tracks.length === 0) {
            throw new ApiError(400, 'nothing-playable', 'None of the paths holds anything playable.', {}, { skipped });
          }
        } else {
          tracks = add.tracks;
        }
        const items = add.position === 'next' ? services.player.insertNext(tracks) : services.player.add(tracks);
        return { status: 201, body: { added: items, skipped, queueLength: services.player.snapshot.queueLength } };
      },
      DELETE: async ({ services }) => {
        services.player.clear();
        return ok(queueBody(services.player));
      },
    },
  },
  {
    path: `${apiPrefix}/queue/{index}`,
    methods: {
      DELETE: async ({ services: { player }, params }) => {
        const index = parseQueueIndex(params.index!);
        if (index >= player.snapshot.queueLength) throw new ApiError(404, 'not-found', `No queue item at index ${index}.`);
        const result = player.remove([index]);
        if (!result.ok) throw new ApiError(409, result.reason, result.message);
        return ok(queueBody(player));
      },
    },
  },
  {
    path: `${apiPrefix}/playlists`,
    methods: { GET: async ({ services }) => ok({ playlists: await services.listPlaylists() }) },
  },
  {
    path: `${apiPrefix}/openapi.json`,
    methods: { GET: async () => ok(openApiDocument()) },
  },
];

/** Finds the route for a path (no query string), with its parameters. */
export function matchRoute(pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = pathname.split('/');
  for (const route of routes) {
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const segment = segments[i]!;
      if (part.startsWith('{') && part.endsWith('}')) {
        params[part.slice(1, -1)] = segment; // raw: parameters are plain numbers, checked by the handler
        return segment !== '';
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}
