import * as assert from 'node:assert/strict';
import { InvalidTransitionError, StateChange, StateMachine } from '../../../src/player/state-machine';
import { commandTable, isAllowedTransition, playerStates, transitionTable } from '../../../src/player/transitions';

describe('StateMachine', () => {
  it('has exactly the four states, and Buffering is only reached from Playing', () => {
    assert.deepEqual([...playerStates].sort(), ['buffering', 'paused', 'playing', 'stopped']);
    const intoBuffering = playerStates.filter((from) => isAllowedTransition(from, 'buffering'));
    assert.deepEqual(intoBuffering, ['playing']);
  });

  it('takes every listed transition, fires once per change, and refuses the rest', () => {
    for (const from of playerStates) {
      for (const to of playerStates) {
        if (from === to) {
          continue;
        }
        const machine = new StateMachine(from);
        const seen: StateChange[] = [];
        machine.onDidChange((change) => seen.push(change));
        if (transitionTable[from].includes(to)) {
          machine.transition(to, 'play');
          assert.equal(machine.state, to);
          assert.deepEqual(seen, [{ from, to, cause: 'play' }]);
        } else {
          assert.throws(() => machine.transition(to, 'play'), InvalidTransitionError);
          assert.equal(machine.state, from);
          assert.deepEqual(seen, []);
        }
        machine.dispose();
      }
    }
  });

  it('treats a move to the current state as a no-op without an event', () => {
    const machine = new StateMachine('paused');
    let events = 0;
    machine.onDidChange(() => events++);
    machine.transition('paused', 'pause');
    assert.equal(events, 0);
  });

  it('rejects a command outside its states with a reason that names both', () => {
    for (const state of playerStates) {
      const machine = new StateMachine(state);
      for (const [command, states] of Object.entries(commandTable)) {
        const result = machine.check(command as keyof typeof commandTable);
        assert.equal(result.ok, states.includes(state), `${command} in ${state}`);
        if (!result.ok) {
          assert.equal(result.reason, 'invalid-state');
          assert.match(result.message, new RegExp(`${command}.*${state}`));
        }
      }
    }
  });
});
