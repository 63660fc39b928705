import type * as vscode from 'vscode';
import { storageKeys, type StateStore } from '../player';

/** Keys that follow the user across workspaces; everything else belongs to this workspace. */
const globalKeys = new Set<string>([storageKeys.history, storageKeys.favorites]);

/**
 * The player's storage in VS Code (which keeps Mementos in SQLite): the queue, position and
 * modes per workspace, so each project resumes its own music; history and favorites global.
 */
export class MementoStateStore implements StateStore {
  constructor(
    private readonly workspace: vscode.Memento,
    private readonly global: vscode.Memento,
  ) {}

  private memento(key: string): vscode.Memento {
    return globalKeys.has(key) ? this.global : this.workspace;
  }

  get<T>(key: string): T | undefined {
    return this.memento(key).get<T>(key);
  }

  update(key: string, value: unknown): PromiseLike<void> {
    return this.memento(key).update(key, value);
  }
}
