// The mapping lives in the library so the CLI and the REST API share it; re-exported for the glue.
export { toPlayerTrack } from '../library/to-track';
