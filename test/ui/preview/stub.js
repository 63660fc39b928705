// Stands in for VS Code in the preview page: acquireVsCodeApi() and a tiny fake host that
// answers `ready` with the sample state and queue, runs commands on them and streams
// positions. TEST PAGE ONLY: never shipped. Reads window.__PREVIEW__ = { state, queue, autoStart }.
(function () {
  const config = window.__PREVIEW__;
  let state = config.state;
  let queue = config.queue;
  let saved = undefined;
  const posted = (window.__posted = []);

  function deliver(message) {
    window.dispatchEvent(new MessageEvent('message', { data: message }));
  }

  function position() {
    const playing = state.state === 'playing';
    const now = Date.now();
    const pos = playing ? state.positionMs + (now - state.positionAt) : state.positionMs;
    return { positionMs: Math.min(pos, state.durationMs || pos), positionAt: now, playing };
  }

  function setState(patch) {
    const p = position();
    state = { ...state, positionMs: p.positionMs, positionAt: p.positionAt, ...patch, version: state.version + 1 };
    deliver({ type: 'state', state });
  }

  function setTrack(index) {
    const item = queue.items[index];
    if (!item) return;
    setState({
      currentIndex: index,
      state: 'playing',
      positionMs: 0,
      positionAt: Date.now(),
      durationMs: item.durationMs,
      track: { ...item, coverUri: state.track && state.track.coverUri, favorite: false },
    });
  }

  function setQueue(items) {
    queue = { version: queue.version + 1, items };
    deliver({ type: 'queue', version: queue.version, items });
  }

  const repeatNext = { off: 'all', all: 'one', one: 'off' };
  const commands = {
    toggle: () => setState({ state: state.state === 'playing' ? 'paused' : 'playing' }),
    play: () => setState({ state: 'playing' }),
    pause: () => setState({ state: 'paused' }),
    stop: () => setState({ state: 'stopped', positionMs: 0 }),
    next: () => setTrack(state.currentIndex + 1),
    previous: () => setTrack(Math.max(0, state.currentIndex - 1)),
    seek: (m) => setState({ positionMs: m.positionMs, positionAt: Date.now() }),
    setVolume: (m) => setState({ volume: m.volume, muted: false }),
    toggleMute: () => setState({ muted: !state.muted }),
    toggleShuffle: () => setState({ shuffle: !state.shuffle }),
    cycleRepeat: () => setState({ repeat: repeatNext[state.repeat] }),
    toggleFavorite: () => state.track && setState({ track: { ...state.track, favorite: !state.track.favorite } }),
    playIndex: (m) => setTrack(m.index),
    removeIndex: (m) => {
      const items = queue.items.slice();
      items.splice(m.index, 1);
      setQueue(items);
      if (m.index < state.currentIndex) setState({ currentIndex: state.currentIndex - 1 });
    },
    move: (m) => {
      const items = queue.items.slice();
      const [moved] = items.splice(m.from, 1);
      items.splice(m.to, 0, moved);
      setQueue(items);
    },
    playFolder: () => {
      throw new Error('No folder picker in the preview');
    },
  };

  function handle(message) {
    if (message.type === 'ready') {
      deliver({ type: 'state', state: { ...state, positionAt: Date.now() } });
      if (config.autoQueue) deliver({ type: 'queue', version: queue.version, items: queue.items });
    } else if (message.type === 'command') {
      let ok = true;
      let error;
      try {
        if (window.__preview.failNext === message.command) {
          window.__preview.failNext = undefined;
          throw new Error(`The host refused ${message.command}`);
        }
        commands[message.command](message);
      } catch (e) {
        ok = false;
        error = e.message;
      }
      deliver({ type: 'reply', id: message.id, ok, error });
    }
  }

  window.acquireVsCodeApi = function () {
    return {
      postMessage(message) {
        posted.push(message);
        setTimeout(() => handle(message), 0);
      },
      getState: () => saved,
      setState: (value) => (saved = value),
    };
  };

  if (config.ticks) {
    setInterval(() => deliver({ type: 'position', ...position() }), 250);
  }
  window.__preview = { deliver, state: () => state, failNext: undefined };
})();
