// A browser client of velithon.resume.v1 (docs/resumable-sessions.md), for a route with [ResumableSession]. It looks
// like a WebSocket to the page ("open", "message" and "close" events, send, close) and adds what a network drop
// needs: it keeps the session's token (the latest: each resume spends the token it offered and brings the next),
// counts and acknowledges the server's messages, keeps its own until the server acknowledges them, and after a drop
// reconnects with backoff offering to resume. A resumed session sends again exactly what the other side lacks, so
// every message of the gap arrives once, in order, both ways. When the server refuses (the window passed, the server
// restarted, ...), it starts a new session and says so.
//
// Events: "open" (detail: how the session began), "message" (data: the text), "reconnecting" (detail: the code of the
// drop), and "close" once it is over: closed by the page, or a connection that never got a session.

export const SUBPROTOCOL = "velithon.resume.v1";

// The close codes of a refused resume: the session cannot come back, so the client starts a new one.
export const REFUSALS = new Map([
  [4400, "the server cannot read this session's token"],
  [4403, "the session belongs to another user or room"],
  [4410, "the session has ended or its window has passed"],
  [4413, "the server could not keep every message of the gap"],
  [4421, "the session lives on another server"],
]);

// Waits before each reconnect attempt: 250 ms, doubling up to 5 s, so a page retries quickly after a short drop and
// gently while a server is away. The server's window decides when a session is gone, not the page.
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

export class ResumableSocket extends EventTarget {
  #url;
  #socket = null;        // the connection of the moment, null between attempts
  #token = null;         // the server's latest "T" message; a resume offers it, once
  #received = 0;         // the server's data messages in this session: acknowledged one by one, and offered on a resume
  #sent = 0;             // this page's data messages in this session, numbered from 1
  #unacknowledged = [];  // { number, text, written }: this page's messages the server has not acknowledged yet
  #live = false;         // the connection carries the session (after "T" or "R"): new messages go out at once
  #plain = false;        // the server chose no subprotocol: a plain WebSocket, nothing to resume
  #hadSession = false;   // a drop after this is worth a reconnect
  #closing = false;      // the page closed it: no reconnect
  #refusal = null;       // why the last resume was refused, told with the new session's "open"
  #attempts = 0;
  #timer = 0;

  constructor(url) {
    super();
    this.#url = url;
    this.#connect();
  }

  get url() { return this.#url; }

  // Numbers the message and keeps it until the server acknowledges it; while disconnected it waits for the resume.
  send(text) {
    const message = { number: ++this.#sent, text, written: false };
    this.#unacknowledged.push(message);
    if (this.#live) this.#write(message);
  }

  // A close frame ends the session on the server too. Between attempts there is no connection to carry it: the
  // server ends the session when its window passes.
  close(code = 1000, reason = "") {
    this.#closing = true;
    clearTimeout(this.#timer);
    if (this.#live) {
      this.#socket.close(code, reason);
      return;
    }
    this.#socket?.close();
    this.#socket = null;
    this.#finish({ code, reason, wasClean: true });
  }

  #connect() {
    const offers = [SUBPROTOCOL];
    // velithon.resume.v1.<received>.<token>: the token travels in the handshake, the one header a browser can set.
    if (this.#token) offers.push(`${SUBPROTOCOL}.${this.#received}.${this.#token}`);
    const socket = new WebSocket(this.#url, offers);
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    // Events of a connection the page has already given up on are ignored.
    socket.addEventListener("open", () => socket === this.#socket && this.#opened(socket));
    socket.addEventListener("message", event => socket === this.#socket && this.#receive(event.data));
    socket.addEventListener("close", event => socket === this.#socket && this.#closed(event));
  }

  #opened(socket) {
    if (socket.protocol === SUBPROTOCOL) return; // the session's first message, "T" or "R", says which it is
    this.#plain = true;
    this.#live = true;
    this.#open({});
    for (const message of this.#unacknowledged) this.#write(message);
  }

  #receive(data) {
    if (this.#plain) {
      this.#deliver(data);
      return;
    }
    if (typeof data !== "string") {
      this.#delivered(data.slice(1)); // a binary message is always data: 'D', then the payload
      return;
    }
    const count = () => Number(data.slice(1));
    switch (data[0]) {
      // The first message of a connection says how it began: "T" a new session, "R" a resumed one, which the next
      // "T" follows with the token for the next resume.
      case "T": if (this.#live) this.#token = data.slice(1); else this.#started(data.slice(1)); break;
      case "R": this.#resumed(count()); break;
      case "A": this.#forget(count()); break;
      case "D": this.#delivered(data.slice(1)); break;
    }
  }

  // "T": a new session, counted from zero. Messages of a refused session that never went out go in this one; those
  // that went out unacknowledged may or may not have arrived, so the page is told rather than sending them twice.
  #started(token) {
    const earlier = this.#unacknowledged;
    this.#token = token;
    this.#received = 0;
    this.#sent = 0;
    this.#unacknowledged = [];
    this.#live = true;
    this.#hadSession = true;
    this.#attempts = 0;
    const unsure = earlier.filter(message => message.written).map(message => message.text);
    for (const message of earlier) if (!message.written) this.send(message.text);
    this.#open({ refusal: this.#refusal, unsure });
    this.#refusal = null;
  }

  // "R": the server has this page's first `have` messages; the others go again, in order, before any new one.
  #resumed(have) {
    this.#forget(have);
    this.#live = true;
    this.#attempts = 0;
    for (const message of this.#unacknowledged) this.#write(message);
    this.#open({ resumed: true });
  }

  // "D": the next message of the server's; the acknowledgement lets it forget it.
  #delivered(payload) {
    this.#received++;
    this.#socket.send(`A${this.#received}`);
    this.#deliver(payload);
  }

  #forget(acknowledged) {
    this.#unacknowledged = this.#unacknowledged.filter(message => message.number > acknowledged);
  }

  #write(message) {
    message.written = true;
    this.#socket.send(this.#plain ? message.text : `D${message.text}`);
  }

  #closed(event) {
    this.#socket = null;
    this.#live = false;
    if (this.#closing || this.#plain || !this.#hadSession) {
      this.#finish(event);
      return;
    }
    if (REFUSALS.has(event.code)) {
      // The server answered, and the session is gone: a new one at once, without the token.
      this.#token = null;
      this.#refusal = { code: event.code, reason: REFUSALS.get(event.code) };
      this.#connect();
      return;
    }
    // A drop, or an attempt that failed: try again later. The page hears of the drop once.
    if (this.#attempts === 0) this.dispatchEvent(new CustomEvent("reconnecting", { detail: { code: event.code } }));
    const delay = Math.min(FIRST_DELAY_MS * 2 ** this.#attempts++, MAX_DELAY_MS);
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #open(detail) { this.dispatchEvent(new CustomEvent("open", { detail })); }

  #deliver(data) { this.dispatchEvent(new MessageEvent("message", { data })); }

  #finish({ code, reason, wasClean }) { this.dispatchEvent(new CloseEvent("close", { code, reason, wasClean })); }
}
