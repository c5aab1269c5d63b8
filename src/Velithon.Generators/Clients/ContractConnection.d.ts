/** An "error" envelope: a failed request (with its id), or a message the server rejected (without). */
export declare class ContractError extends Error {
  /** The request's id; undefined for a rejected one-way message. */
  readonly id: number | undefined;
  /** For a validation failure, each invalid member's messages by its JSON name ("" for the whole object). */
  readonly errors: Record<string, string[]> | undefined;
}

/** A request the server did not answer in time; the server was sent a "cancel". */
export declare class RequestTimeoutError extends Error {}

/** The connection ended before a request's reply, or a send found it closed for good. */
export declare class ConnectionClosedError extends Error {
  /** The close code (RFC 6455 section 7.4). */
  readonly code: number;
  readonly reason: string;
}

/**
 * What the client needs of a WebSocket: the browser's, or Node's ws package's. The client sets the handlers; their
 * parameters are typed never so that either class's own event types fit.
 */
export interface WebSocketLike {
  readonly protocol: string;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class. Headers are passed as ws's third argument, { headers }; the browser's takes none. */
export type WebSocketClass = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => WebSocketLike;

/** Reconnection after a connection ends with 1001, 1005, 1006, 1011-1014, or fails before opening. */
export interface ReconnectOptions {
  /** Milliseconds before the first new attempt; 500 by default. Each delay is jittered to between half and all of itself. */
  initialDelay?: number;
  /** The longest delay in milliseconds; 30000 by default. */
  maxDelay?: number;
  /** What each failed attempt multiplies the delay by; 2 by default. */
  factor?: number;
  /** How many attempts in a row before giving up; unlimited by default. */
  maxAttempts?: number;
}

export interface ConnectOptions {
  /** The WebSocket class; the global one (the browser's) by default. Needed in Node, and for header values. */
  WebSocket?: WebSocketClass;
  /** Subprotocols to offer after the contract's own, contractSubprotocol (Sec-WebSocket-Protocol, RFC 6455 section 4.1). */
  protocols?: string[];
  /** Reconnection: on (true, the default), off (false), or tuned. Messages sent meanwhile wait for the new connection. */
  reconnect?: boolean | ReconnectOptions;
  /** How long a request waits for its reply, in milliseconds, unless it says otherwise; 30000 by default. */
  requestTimeout?: number;
}

export interface RequestOptions {
  /** Milliseconds to wait for the reply; Infinity waits for ever. The connection's requestTimeout by default. */
  timeout?: number;
  /** Gives up on the reply; the server is sent a "cancel". */
  signal?: AbortSignal;
}

/**
 * A connection speaking a contract. Sends: the client's one-way messages by tag; Requests: its requests, tag to
 * [request, reply]; Receives: the server's one-way messages; Answers: the server's requests this client answers.
 */
export interface Connection<Sends, Requests extends Record<string, [unknown, unknown]>, Receives, Answers extends Record<string, [unknown, unknown]>> {
  /** The URL connected to, query string included. */
  readonly url: string;
  readonly state: "connecting" | "open" | "reconnecting" | "closed";
  /** The subprotocol the server chose; "" for none. */
  readonly protocol: string;
  /** Resolves when the connection first opens; rejects if it closes for good before. */
  readonly opened: Promise<void>;
  /** Sends a one-way message; before the connection opens (or while it reconnects) it waits to be sent. */
  send<K extends keyof Sends & string>(type: K, payload: Sends[K]): void;
  /** Sends a request and resolves with its reply; rejects with ContractError, RequestTimeoutError or ConnectionClosedError. */
  request<K extends keyof Requests & string>(type: K, payload: Requests[K][0], options?: RequestOptions): Promise<Requests[K][1]>;
  /** Calls handler with each message of this type; returns a function that removes it. */
  on<K extends keyof Receives & string>(type: K, handler: (payload: Receives[K]) => void): () => void;
  /** Answers the server's requests of this type with handler's result (a thrown error is sent as an "error"); replaces any earlier handler. */
  answer<K extends keyof Answers & string>(type: K, handler: (payload: Answers[K][0]) => Answers[K][1] | PromiseLike<Answers[K][1]>): () => void;
  /** Called each time the connection opens; reconnected is false the first time. */
  onOpen(listener: (reconnected: boolean) => void): () => void;
  /** Called each time the connection closes; willReconnect says whether a new attempt follows. */
  onClose(listener: (code: number, reason: string, willReconnect: boolean) => void): () => void;
  /** Called with each "error" envelope that answers no request: a message the server rejected. */
  onError(listener: (error: ContractError) => void): () => void;
  /** Closes the connection for good (no reconnection); 1000 by default. */
  close(code?: number, reason?: string): void;
}
