import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './errors';

/** Largest request body accepted; anything bigger is refused with 413 unread. */
export const maxBodyBytes = 64 * 1024;

/**
 * Reads a JSON request body. Refuses non-JSON with 415 (checked before reading), bodies
 * over the limit with 413 (by Content-Length before reading, or as soon as the count passes
 * the limit: the rest is never buffered), and unparsable JSON with 400. An empty body is `{}`,
 * so `POST /player/play` needs no body at all.
 */
export async function readJsonBody(request: IncomingMessage, limit = maxBodyBytes): Promise<unknown> {
  const declared = request.headers['content-length'];
  const hasBody = (declared !== undefined && declared !== '0') || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    return {};
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'unsupported-media-type', 'Send the body as application/json.');
  }
  if (declared !== undefined && Number(declared) > limit) {
    throw tooLarge(limit);
  }
  const body = await collect(request, limit);
  if (body.length === 0) {
    return {};
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload-too-large', `The body is larger than ${limit} bytes.`);
}

/**
 * Buffers the body up to `limit`. Past it, stops listening and pauses the stream instead of
 * destroying it: the socket must stay open for the 413 reply (the server closes it after).
 */
function collect(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('the client went away'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
