"use strict";

// One small controller per panel: connect, send, show what arrives and how the connection ended.
const base = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;

function setUp(panel, { url, render }) {
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

  const setOpen = open => {
    connect.disabled = open;
    disconnect.disabled = !open;
    state.textContent = open ? "open" : "closed";
    state.classList.toggle("open", open);
    if (form) for (const control of form.elements) control.disabled = !open;
  };

  connect.addEventListener("click", () => {
    const target = url();
    socket = new WebSocket(target);
    state.textContent = "connecting";
    socket.addEventListener("open", () => { setOpen(true); write(`connected to ${target}`); });
    socket.addEventListener("message", event => write(render ? render(event.data) : `← ${event.data}`));
    socket.addEventListener("close", event => {
      setOpen(false);
      write(`closed: ${event.code}${event.reason ? ` ${event.reason}` : ""}`, "closed");
      socket = null;
    });
  });

  disconnect.addEventListener("click", () => socket?.close(1000, "Bye from the page"));

  form?.addEventListener("submit", event => {
    event.preventDefault();
    const input = form.elements.message;
    if (!socket || socket.readyState !== WebSocket.OPEN || input.value === "") return;
    socket.send(input.value);
    write(`→ ${input.value}`, "sent");
    input.value = "";
    input.focus();
  });
}

const field = (panel, name) => panel.querySelector(`[name="${name}"]`).value.trim();

const echo = document.getElementById("echo");
setUp(echo, { url: () => `${base}/echo` });

const chat = document.getElementById("chat");
setUp(chat, {
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
setUp(status, {
  url: () => `${base}/status`,
  render: data => {
    const update = JSON.parse(data);
    latest.replaceChildren();
    for (const [name, value] of Object.entries(update)) {
      const term = document.createElement("dt");
      term.textContent = name;
      const description = document.createElement("dd");
      description.textContent = String(value);
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
