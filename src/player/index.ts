/** The player core's public surface, for the VS Code glue, the CLI and the REST API. */
export { Player } from './player';
export type { PlayerOptions, QueueChange } from './player';
export type { PlayerSnapshot, PlayerError } from './snapshot';
export type { PlayerState, TransportCommand } from './transitions';
export { playerStates, transitionTable, commandTable } from './transitions';
export type { StateChange, TransitionCause } from './state-machine';
export type { CommandResult, RejectReason } from './result';
export type { RepeatMode } from './play-order';
export { repeatModes } from './play-order';
export type { Track, QueueItem } from './track';
export { displayTitle, parseTrack } from './track';
export type { HistoryEntry } from './history';
export type { StateStore } from './store';
export { MemoryStateStore } from './store';
export { storageKeys } from './persistence';
export type { TimerHost } from './save-scheduler';
