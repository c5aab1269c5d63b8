import { ResumableSocket } from "./resumable-socket.js";

// One small controller per panel: connect, send, show what arrives and how the connection ended.
const base = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;

// echoSent: whether the page logs what it sent (→). The chat room sends every message back to its sender too,
// in the room's one order, so the chat panel leaves that to the server and shows each line once.
// onClose: what else the panel clears when its connection ends.
// open: what connects; the chat's ResumableSocket (resumable-socket.js) also reconnects after a drop and says so.
function setUp(panel, { url, render, echoSent = true, onClose, open = target => new WebSocket(target) }) {
  const connect = panel.querySelector(".connect");
  const disconnect = panel.querySelector(".disconnect");
  const state = panel.querySelector(".state");
  const log = panel.querySelector(".log");
  const form = panel.querySelector("form.send");
  let socket = null;

  const write = (text, kind) => {
    const item = document.createElement("li");
    item.textContent = text;
    if (kind) item.className = kind;
    log.append(item);
    log.scrollTop = log.scrollHeight;
  };

  // While a resumable session reconnects, the page can still send (its messages wait for the resume) and leave.
  const usable = value => ["open", "resumed", "reconnecting…"].includes(value);
  const show = value => {
    // One connection per panel: Connect stays disabled from the click until that connection has closed.
    connect.disabled = value !== "closed";
    disconnect.disabled = !usable(value);
    state.textContent = value;
    state.classList.toggle("open", value === "open" || value === "resumed");
    state.classList.toggle("reconnecting", value === "reconnecting…");
    if (form) for (const control of form.elements) control.disabled = !usable(value);
  };

  connect.addEventListener("click", () => {
    if (socket) return;
    const target = url();
    const current = open(target);
    socket = current;
    show("connecting");
    // A plain WebSocket's "open" has no detail; a resumable session's says how it began.
    current.addEventListener("open", ({ detail }) => {
      if (detail?.resumed) {
        show("resumed");
        write("resumed the session", "resumed");
        return;
      }
      show("open");
      if (detail?.refusal) {
        // Nothing goes silently: the room's messages of the gap are gone, and some of ours may be.
        const { code, reason } = detail.refusal;
        write(`could not resume (${code}: ${reason}): started a new session, missing what was said meanwhile`, "closed failed");
        for (const text of detail.unsure) write(`may not have been delivered: ${text}`, "closed failed");
      }
      write(`connected to ${target}`);
    });
    current.addEventListener("reconnecting", ({ detail }) => {
      show("reconnecting…");
      write(`connection lost (${detail.code}): reconnecting…`, "closed failed");
    });
    current.addEventListener("message", event => write(render ? render(event.data) : `← ${event.data}`));
    current.addEventListener("close", event => {
      socket = null;
      show("closed");
      onClose?.();
      // 1000 is a normal closure (RFC 6455 section 7.4.1): only the other endings are shown as failures.
      const normal = event.wasClean && event.code === 1000;
      write(`closed: ${event.code}${event.reason ? ` ${event.reason}` : ""}`, normal ? "closed" : "closed failed");
    });
  });

  disconnect.addEventListener("click", () => socket?.close(1000, "Bye from the page"));

  form?.addEventListener("submit", event => {
    event.preventDefault();
    const input = form.elements.message;
    if (!socket || !usable(state.textContent) || input.value === "") return;
    socket.send(input.value);
    if (echoSent) write(`→ ${input.value}`, "sent");
    input.value = "";
    input.focus();
  });
}

const field = (panel, name) => panel.querySelector(`[name="${name}"]`).value.trim();

const echo = document.getElementById("echo");
setUp(echo, { url: () => `${base}/echo` });

const chat = document.getElementById("chat");
setUp(chat, {
  echoSent: false,
  open: target => new ResumableSocket(target),
  url: () => {
    const name = field(chat, "name");
    const room = encodeURIComponent(field(chat, "room") || "lobby");
    return `${base}/chat/${room}${name ? `?name=${encodeURIComponent(name)}` : ""}`;
  },
  render: data => {
    const event = JSON.parse(data);
    switch (event.type) {
      case "welcome": return `you are ${event.user} in ${event.room} (${event.members} here)`;
      case "joined": return `${event.user} joined (${event.members} here)`;
      case "left": return `${event.user} left (${event.members} here)`;
      default: return `${event.user}: ${event.text}`;
    }
  },
});

const status = document.getElementById("status");
const latest = status.querySelector(".latest");
// The server sends the time with seven fractional digits; a person reads it to the second, in UTC like the server.
const showValue = (name, value) => name === "time" ? `${new Date(value).toISOString().slice(11, 19)} UTC` : String(value);
setUp(status, {
  url: () => `${base}/status`,
  onClose: () => latest.replaceChildren(),
  render: data => {
    const update = JSON.parse(data);
    latest.replaceChildren();
    for (const [name, value] of Object.entries(update)) {
      const term = document.createElement("dt");
      term.textContent = name;
      const description = document.createElement("dd");
      description.textContent = showValue(name, value);
      latest.append(term, description);
    }
    return `← #${update.sequence}: ${update.connections} connections, ${update.chatRooms} rooms`;
  },
});

const token = document.getElementById("token");
setUp(token, {
  url: () => {
    const value = field(token, "token");
    return `${base}/ws${value ? `?token=${encodeURIComponent(value)}` : ""}`;
  },
});

// The task board speaks its declared contract through the typed client Velithon generates from it
// (/velithon/TaskBoardSocket.js, served by app.MapVelithonClients()): the page sends the board's commands, asks for
// the board with a request, and answers the server's "who-are-you" request with a handler. The client writes the
// envelopes (docs/contracts.md), matches replies to requests and reconnects after a dropped connection.
const board = document.getElementById("board");
{
  const connect = board.querySelector(".connect");
  const disconnect = board.querySelector(".disconnect");
  const state = board.querySelector(".state");
  const log = board.querySelector(".log");
  const add = board.querySelector("form.add");
  const columns = Object.fromEntries([...board.querySelectorAll(".column")].map(list => [list.dataset.column, list]));
  const nextColumn = { todo: "doing", doing: "done" };
  const tasks = new Map();
  let connection = null;

  const write = (text, kind) => {
    const item = document.createElement("li");
    item.textContent = text;
    if (kind) item.className = kind;
    log.append(item);
    log.scrollTop = log.scrollHeight;
  };

  const show = value => {
    connect.disabled = value !== "closed";
    disconnect.disabled = value !== "open";
    state.textContent = value;
    state.classList.toggle("open", value === "open");
    for (const control of add.elements) control.disabled = value !== "open";
  };

  const clear = () => { for (const list of Object.values(columns)) list.replaceChildren(); };

  const place = task => {
    board.querySelector(`[data-task="${task.id}"]`)?.remove();
    const item = document.createElement("li");
    item.dataset.task = task.id;
    const title = document.createElement("span");
    title.textContent = task.title;
    item.append(title);
    if (nextColumn[task.column]) {
      const move = document.createElement("button");
      move.textContent = "→";
      move.title = `Move to ${nextColumn[task.column]}`;
      move.addEventListener("click", () => connection?.send("move", { id: task.id, column: nextColumn[task.column] }));
      item.append(move);
    }
    const remove = document.createElement("button");
    remove.textContent = "×";
    remove.title = "Remove";
    remove.addEventListener("click", () => connection?.send("remove", { id: task.id }));
    item.append(remove);
    columns[task.column].append(item);
  };

  // Loaded on first use, as a plain ES module: no build step, and the other panels work without it.
  const client = () => import("/velithon/TaskBoardSocket.js");

  connect.addEventListener("click", async () => {
    if (connection) return;
    show("connecting");
    const boardId = field(board, "board") || "team";
    const { connectBoard } = await client();
    const current = connectBoard(location.origin, { boardId });
    connection = current;

    current.answer("who-are-you", request => {
      write(`server asked who you are on ${request.board}`);
      return { name: field(board, "name") };
    });
    current.on("member-joined", joined => write(`${joined.name} opened the board (${joined.members} here)`));
    current.on("task-added", added => {
      tasks.set(added.task.id, added.task);
      place(added.task);
      write(`${added.by} added "${added.task.title}"`);
    });
    current.on("task-moved", moved => {
      const task = { ...tasks.get(moved.id), column: moved.column };
      tasks.set(moved.id, task);
      place(task);
      write(`${moved.by} moved "${task.title}" to ${moved.column}`);
    });
    current.on("task-removed", removed => {
      board.querySelector(`[data-task="${removed.id}"]`)?.remove();
      write(`${removed.by} removed "${tasks.get(removed.id)?.title}"`);
      tasks.delete(removed.id);
    });
    current.onError(error => write(`error: ${error.message}${error.errors ? ` ${Object.values(error.errors).flat().join(" ")}` : ""}`, "closed failed"));

    current.onOpen(async reconnected => {
      show("open");
      write(`${reconnected ? "reconnected" : "connected"} to ${current.url}`);
      try {
        const snapshot = await current.request("get-board", {});
        clear();
        tasks.clear();
        for (const task of snapshot.tasks) { tasks.set(task.id, task); place(task); }
        write(`board ${snapshot.board}: ${snapshot.tasks.length} tasks`);
      } catch (error) {
        write(`no board: ${error.message}`, "closed failed");
      }
    });
    current.onClose((code, reason, willReconnect) => {
      // 1000 is a normal closure (RFC 6455 section 7.4.1): only the other endings are shown as failures.
      write(`closed: ${code}${reason ? ` ${reason}` : ""}${willReconnect ? " (reconnecting)" : ""}`, code === 1000 ? "closed" : "closed failed");
      if (willReconnect) {
        show("reconnecting");
        return;
      }
      connection = null;
      show("closed");
    });
  });

  disconnect.addEventListener("click", () => connection?.close(1000, "Bye from the page"));

  add.addEventListener("submit", event => {
    event.preventDefault();
    const input = add.elements.title;
    if (!connection || connection.state !== "open" || input.value.trim() === "") return;
    connection.send("add", { title: input.value.trim() });
    input.value = "";
    input.focus();
  });
}
