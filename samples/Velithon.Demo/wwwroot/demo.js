"use strict";

// One small controller per panel: connect, send, show what arrives and how the connection ended.
const base = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;

// echoSent: whether the page logs what it sent (→). The chat room sends every message back to its sender too,
// in the room's one order, so the chat panel leaves that to the server and shows each line once.
// onClose: what else the panel clears when its connection ends.
function setUp(panel, { url, render, echoSent = true, onClose }) {
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

  const show = value => {
    // One connection per panel: Connect stays disabled from the click until that connection has closed.
    connect.disabled = value !== "closed";
    disconnect.disabled = value !== "open";
    state.textContent = value;
    state.classList.toggle("open", value === "open");
    if (form) for (const control of form.elements) control.disabled = value !== "open";
  };

  connect.addEventListener("click", () => {
    if (socket) return;
    const target = url();
    const current = new WebSocket(target);
    socket = current;
    show("connecting");
    current.addEventListener("open", () => { show("open"); write(`connected to ${target}`); });
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
    if (!socket || socket.readyState !== WebSocket.OPEN || input.value === "") return;
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

// The task board speaks Velithon's contract envelope (docs/contracts.md): {"type", "id"?, "payload"}. The page sends
// commands, asks for the board with a request ("get-board", answered by a "reply" with the same id), and answers the
// server's "who-are-you" request with a reply of its own.
const board = document.getElementById("board");
{
  const connect = board.querySelector(".connect");
  const disconnect = board.querySelector(".disconnect");
  const state = board.querySelector(".state");
  const log = board.querySelector(".log");
  const add = board.querySelector("form.add");
  const columns = Object.fromEntries([...board.querySelectorAll(".column")].map(list => [list.dataset.column, list]));
  const nextColumn = { todo: "doing", doing: "done" };
  let socket = null;
  let lastRequestId = 0;
  const pending = new Map();

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

  const send = (type, payload, id) => socket?.send(JSON.stringify(id === undefined ? { type, payload } : { type, id, payload }));

  const request = (type, payload) => new Promise((resolve, reject) => {
    const id = ++lastRequestId;
    pending.set(id, { resolve, reject });
    send(type, payload, id);
  });

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
      move.addEventListener("click", () => send("move", { id: task.id, column: nextColumn[task.column] }));
      item.append(move);
    }
    const remove = document.createElement("button");
    remove.textContent = "×";
    remove.title = "Remove";
    remove.addEventListener("click", () => send("remove", { id: task.id }));
    item.append(remove);
    columns[task.column].append(item);
  };

  const tasks = new Map();
  const onEnvelope = envelope => {
    const { type, id, payload } = envelope;
    switch (type) {
      case "reply": pending.get(id)?.resolve(payload); pending.delete(id); return;
      case "error":
        if (id !== undefined && pending.has(id)) { pending.get(id).reject(new Error(envelope.error)); pending.delete(id); }
        write(`error: ${envelope.error}`, "closed failed");
        return;
      case "who-are-you":
        send("reply", { name: field(board, "name") }, id);
        write(`server asked who you are on ${payload.board}`);
        return;
      case "member-joined": write(`${payload.name} opened the board (${payload.members} here)`); return;
      case "task-added": tasks.set(payload.task.id, payload.task); place(payload.task); write(`${payload.by} added "${payload.task.title}"`); return;
      case "task-moved": {
        const task = { ...tasks.get(payload.id), column: payload.column };
        tasks.set(payload.id, task);
        place(task);
        write(`${payload.by} moved "${task.title}" to ${payload.column}`);
        return;
      }
      case "task-removed":
        board.querySelector(`[data-task="${payload.id}"]`)?.remove();
        write(`${payload.by} removed "${tasks.get(payload.id)?.title}"`);
        tasks.delete(payload.id);
        return;
      default: write(`← ${JSON.stringify(envelope)}`);
    }
  };

  connect.addEventListener("click", () => {
    if (socket) return;
    const target = `${base}/board/${encodeURIComponent(field(board, "board") || "team")}`;
    const current = new WebSocket(target);
    socket = current;
    show("connecting");
    current.addEventListener("open", async () => {
      show("open");
      write(`connected to ${target}`);
      try {
        const snapshot = await request("get-board", {});
        clear();
        tasks.clear();
        for (const task of snapshot.tasks) { tasks.set(task.id, task); place(task); }
        write(`board ${snapshot.board}: ${snapshot.tasks.length} tasks`);
      } catch (error) {
        write(`no board: ${error.message}`, "closed failed");
      }
    });
    current.addEventListener("message", event => onEnvelope(JSON.parse(event.data)));
    current.addEventListener("close", event => {
      socket = null;
      show("closed");
      for (const waiter of pending.values()) waiter.reject(new Error(`closed ${event.code}`));
      pending.clear();
      const normal = event.wasClean && event.code === 1000;
      write(`closed: ${event.code}${event.reason ? ` ${event.reason}` : ""}`, normal ? "closed" : "closed failed");
    });
  });

  disconnect.addEventListener("click", () => socket?.close(1000, "Bye from the page"));

  add.addEventListener("submit", event => {
    event.preventDefault();
    const input = add.elements.title;
    if (!socket || socket.readyState !== WebSocket.OPEN || input.value.trim() === "") return;
    send("add", { title: input.value.trim() });
    input.value = "";
    input.focus();
  });
}
