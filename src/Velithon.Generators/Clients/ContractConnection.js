// The part of every generated client module that does not depend on the contract: the envelope of
// docs/contracts.md ({"type", "id"?, "payload"}; "reply", "error" and "cancel" reserved), requests both ways,
// reconnection with exponential back-off. The generated part after it builds the route's URL and calls open().

/** An "error" envelope: a failed request (with its id), or a message the server rejected (without). */
export class ContractError extends Error {
  constructor(message, id, errors) {
    super(message);
    this.name = "ContractError";
    this.id = id;
    this.errors = errors;
  }
}

/** A request the server did not answer in time; the server was sent a "cancel". */
export class RequestTimeoutError extends Error {
  constructor(type, timeout) {
    super(`The '${type}' request got no reply within ${timeout} ms.`);
    this.name = "RequestTimeoutError";
  }
}

/** The connection ended before a request's reply, or a send found it closed. */
export class ConnectionClosedError extends Error {
  constructor(code, reason) {
    super(`The connection closed (${code}${reason ? ` ${reason}` : ""}).`);
    this.name = "ConnectionClosedError";
    this.code = code;
    this.reason = reason;
  }
}

// The largest id: 2^53-1, the largest integer a JavaScript number holds exactly (docs/contracts.md).
const maxId = Number.MAX_SAFE_INTEGER;

// Close codes after which a new attempt may succeed (RFC 6455 section 7.4.1: 1001 going away, 1005 no status,
// 1006 abnormal; RFC 6455 IANA registry: 1011 internal error, 1012 service restart, 1013 try again later,
// 1014 bad gateway). A 1000 is the server ending the conversation; 1003, 1007, 1008 and application codes say
// this client's messages or credentials were refused, which a new attempt would repeat.
const retryable = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);

function query(pairs) {
  const parts = [];
  for (const [key, value] of pairs) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

function segment(value, name, catchAll) {
  if (value === undefined || value === null || value === "") throw new TypeError(`The route value '${name}' is required.`);
  const text = String(value);
  return catchAll ? text.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(text);
}

function target(baseUrl, path, queryPairs) {
  const url = new URL(String(baseUrl));
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  // The route's path goes under the base URL's own path, if any (a server behind a path prefix).
  url.pathname = url.pathname.replace(/\/$/, "") + path;
  url.search = "";
  url.hash = "";
  return url.toString() + query(queryPairs);
}

function open(url, headers, protocols, options) {
  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  if (!WebSocketClass) throw new TypeError("No WebSocket class: pass options.WebSocket (in Node, the ws package's WebSocket).");
  const headerValues = {};
  let hasHeaders = false;
  for (const [key, value] of headers) {
    if (value === undefined || value === null) continue;
    headerValues[key] = String(value);
    hasHeaders = true;
  }
  // Browsers cannot set handshake headers (the WebSocket API has no way to); Node's ws package takes them in its
  // third argument. A route whose handler binds headers needs such a class.
  if (hasHeaders && !options.WebSocket) {
    throw new TypeError("This route takes header values, which the browser's WebSocket cannot send: pass options.WebSocket (in Node, the ws package's WebSocket).");
  }
  const requestTimeout = options.requestTimeout ?? 30000;
  const reconnect = options.reconnect === false ? null : {
    initialDelay: 500, maxDelay: 30000, factor: 2, maxAttempts: Infinity, ...(options.reconnect === true ? {} : options.reconnect),
  };
  const listeners = { open: new Set(), close: new Set(), error: new Set() };
  const handlers = new Map();
  const answers = new Map();
  const pending = new Map();
  let queue = [];
  let lastId = 0;
  let socket = null;
  let state = "connecting";
  let attempts = 0;
  let everOpened = false;
  let closing = false;
  let retryTimer = null;
  let settleOpened;
  const opened = new Promise((resolve, reject) => { settleOpened = { resolve, reject }; });
  opened.catch(() => {});

  const emit = (kind, ...args) => { for (const listener of [...listeners[kind]]) listener(...args); };
  const subscribe = (set, value) => { set.add(value); return () => set.delete(value); };

  const write = envelope => {
    const text = JSON.stringify(envelope);
    if (state === "open") socket.send(text);
    else if (state === "closed") throw new ConnectionClosedError(1006, "closed");
    else queue.push(text);
  };

  const answer = async (type, id, payload) => {
    const handler = answers.get(type);
    try {
      if (!handler) throw new Error(`This client has no handler for the server's '${type}' request.`);
      const reply = await handler(payload);
      if (state === "open") socket.send(JSON.stringify({ type: "reply", id, payload: reply }));
    } catch (error) {
      if (state === "open") socket.send(JSON.stringify({ type: "error", id, error: error instanceof Error ? error.message : String(error) }));
    }
  };

  const receive = text => {
    let envelope;
    try { envelope = JSON.parse(text); } catch { return; }
    if (envelope === null || typeof envelope !== "object" || typeof envelope.type !== "string") return;
    const { type, id, payload } = envelope;
    switch (type) {
      case "reply": {
        const waiter = pending.get(id);
        if (waiter) waiter.settle(null, payload);
        return;
      }
      case "error": {
        const error = new ContractError(String(envelope.error ?? "error"), id, envelope.errors);
        const waiter = id === undefined ? undefined : pending.get(id);
        if (waiter) waiter.settle(error);
        else emit("error", error);
        return;
      }
      case "cancel":
        // The server gave up on its request: the handler's reply, if it comes, is dropped by the server.
        return;
      default:
        // With an id it is the server's request: its handler's result is the reply.
        if (typeof id === "number") { void answer(type, id, payload); return; }
        for (const handler of [...(handlers.get(type) ?? [])]) handler(payload);
    }
  };

  const failPending = (code, reason) => {
    for (const waiter of [...pending.values()]) waiter.settle(new ConnectionClosedError(code, reason));
  };

  const attempt = () => {
    retryTimer = null;
    const current = hasHeaders ? new WebSocketClass(url, protocols, { headers: headerValues }) : new WebSocketClass(url, protocols);
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      const reconnected = everOpened;
      everOpened = true;
      attempts = 0;
      state = "open";
      const waiting = queue;
      queue = [];
      for (const text of waiting) current.send(text);
      settleOpened.resolve();
      emit("open", reconnected);
    };
    current.onmessage = event => { if (socket === current && typeof event.data === "string") receive(event.data); };
    current.onerror = () => {};
    current.onclose = event => {
      if (socket !== current) return;
      const code = event.code, reason = event.reason ?? "";
      failPending(code, reason);
      const again = !closing && reconnect !== null && attempts < reconnect.maxAttempts && (retryable.has(code) || !everOpened && code !== 1000);
      emit("close", code, reason, again);
      if (again) {
        state = "reconnecting";
        // Exponential back-off with jitter, so clients a server dropped together do not come back together.
        const delay = Math.min(reconnect.maxDelay, reconnect.initialDelay * reconnect.factor ** attempts);
        attempts++;
        retryTimer = setTimeout(attempt, delay / 2 + Math.random() * delay / 2);
      } else {
        state = "closed";
        queue = [];
        settleOpened.reject(new ConnectionClosedError(code, reason));
      }
    };
  };

  attempt();

  return {
    get url() { return url; },
    get state() { return state; },
    get protocol() { return socket?.protocol ?? ""; },
    opened,
    send(type, payload) { write({ type, payload }); },
    request(type, payload, requestOptions = {}) {
      return new Promise((resolve, reject) => {
        if (state === "closed") { reject(new ConnectionClosedError(1006, "closed")); return; }
        const id = lastId = lastId >= maxId ? 1 : lastId + 1;
        const timeout = requestOptions.timeout ?? requestTimeout;
        let timer = null;
        const signal = requestOptions.signal;
        const onAbort = () => {
          waiter.settle(signal.reason ?? new Error("aborted"));
          if (state === "open") socket.send(JSON.stringify({ type: "cancel", id }));
        };
        const waiter = {
          settle(error, reply) {
            if (!pending.delete(id)) return;
            if (timer !== null) clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            if (error) reject(error); else resolve(reply);
          },
        };
        pending.set(id, waiter);
        if (signal?.aborted) { onAbort(); return; }
        signal?.addEventListener("abort", onAbort);
        if (timeout !== Infinity) {
          timer = setTimeout(() => {
            waiter.settle(new RequestTimeoutError(type, timeout));
            if (state === "open") socket.send(JSON.stringify({ type: "cancel", id }));
          }, timeout);
        }
        try { write({ type, id, payload }); } catch (error) { waiter.settle(error); }
      });
    },
    on(type, handler) {
      if (!handlers.has(type)) handlers.set(type, new Set());
      return subscribe(handlers.get(type), handler);
    },
    answer(type, handler) {
      answers.set(type, handler);
      return () => { if (answers.get(type) === handler) answers.delete(type); };
    },
    onOpen(listener) { return subscribe(listeners.open, listener); },
    onClose(listener) { return subscribe(listeners.close, listener); },
    onError(listener) { return subscribe(listeners.error, listener); },
    close(code = 1000, reason = "") {
      closing = true;
      if (retryTimer !== null) {
        clearTimeout(retryTimer);
        retryTimer = null;
        state = "closed";
        failPending(code, reason);
        settleOpened.reject(new ConnectionClosedError(code, reason));
        emit("close", code, reason, false);
        return;
      }
      socket?.close(code, reason);
    },
  };
}
