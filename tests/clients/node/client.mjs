// Talks to the Velithon test server with Node's ws package and prints one line per observation.
// Usage: node client.mjs ws://127.0.0.1:PORT observeId
import WebSocket from "ws";

const [base, observeId] = process.argv.slice(2);

// Messages are queued from the moment the socket opens: a server that sends right after accepting
// would otherwise race the listener attached after "open".
function open(path, protocols) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(base + path, protocols);
    const inbox = [];
    const waiting = [];
    let ending = null;
    socket.on("message", (data, isBinary) => {
      const message = { data, isBinary };
      if (waiting.length > 0) waiting.shift().resolve(message); else inbox.push(message);
    });
    socket.once("close", (code, reason) => {
      ending = `${code} ${reason.toString()}`;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error(`closed ${ending}`));
    });
    socket.next = () => inbox.length > 0
      ? Promise.resolve(inbox.shift())
      : ending !== null
        ? Promise.reject(new Error(`closed ${ending}`))
        : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    socket.closed = new Promise(resolve => socket.once("close", () => resolve(ending)));
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

const next = socket => socket.next();
const closed = socket => socket.closed;

async function main() {
  const echo = await open("/echo");
  echo.send("from node");
  const text = await next(echo);
  console.log(`${text.isBinary ? "binary" : "text"} ${text.data.toString()}`);
  echo.send(Buffer.from([1, 2, 3, 255]));
  const binary = await next(echo);
  console.log(`${binary.isBinary ? "binary" : "text"} ${Buffer.from(binary.data).toString("hex")}`);
  echo.close(1000);
  await closed(echo);

  const json = await open("/json");
  json.send(JSON.stringify({ user: "node", text: "hi", sequence: 1 }));
  const reply = JSON.parse((await next(json)).data.toString());
  console.log(`json ${reply.user} ${reply.text} ${reply.sequence}`);
  json.close(1000);
  await closed(json);

  const sub = await open("/subprotocol", ["chat.v1", "chat.v2"]);
  console.log(`subprotocol ${sub.protocol} ${(await next(sub)).data.toString()}`);
  sub.close(1000);
  await closed(sub);

  const serverClose = await open("/close/4001");
  const serverClosed = closed(serverClose);
  serverClose.send("node reason");
  console.log(`server closed ${await serverClosed}`);

  const clientClose = await open(`/observe?id=${observeId}`);
  console.log(`observe ${(await next(clientClose)).data.toString()}`);
  const clientClosed = closed(clientClose);
  clientClose.close(4002, "node bye");
  console.log(`client closed ${(await clientClosed).split(" ")[0]}`);
}

const timeout = setTimeout(() => { console.error("timed out"); process.exit(2); }, 30000);
main().then(() => clearTimeout(timeout), error => { console.error(error); process.exit(1); });
