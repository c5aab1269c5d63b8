// Talks to the Velithon test server through the typed client the generator wrote for RoomSocket
// (tests/Velithon.Runtime.Tests/Clients), with Node's ws package as its WebSocket class, and prints one line per
// observation. Usage: node typed-client.mjs ws://127.0.0.1:PORT path/to/RoomSocket.js
import { readFile, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const [base, modulePath] = process.argv.slice(2);
const { connectClientsRoom, contractSubprotocol, RequestTimeoutError, ContractError } = await import(pathToFileURL(modulePath).href);

// One message of a type at a time, in order: the test asserts what arrived, not when.
function inbox(connection, type) {
  const queue = [];
  const waiting = [];
  connection.on(type, payload => (waiting.length > 0 ? waiting.shift()(payload) : queue.push(payload)));
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise(resolve => waiting.push(resolve)));
}

async function main() {
  const room = connectClientsRoom(base, { room: 7, userName: "ada", token: "t-1" }, { WebSocket, reconnect: { initialDelay: 10 } });
  const said = inbox(room, "said");
  const questions = [];
  room.answer("question", question => {
    questions.push(question.prompt);
    return { text: `answer to ${question.prompt}`, length: question.prompt.length };
  });
  const errors = [];
  room.onError(error => errors.push(error));
  await room.opened;
  console.log(`open ${new URL(room.url).pathname}${new URL(room.url).search} ${room.protocol === contractSubprotocol ? "contract" : room.protocol}`);

  room.send("say", { text: "hello", mood: "Excited", tagList: ["a", "b"], note: null });
  const first = await said();
  console.log(`said ${first.room_number} ${first.user_name} ${first.token} ${first.text} ${first.mood} ${first.tags.join(",")} ${first.note}`);

  const sum = await room.request("sum", { values: [1, 2, 3, 4] });
  console.log(`sum ${sum.total} ${sum.at}`);

  room.send("ask-me", { prompt: "colour?" });
  const answered = await said();
  console.log(`asked ${questions.join(",")} then ${answered.text}`);

  // An invalid message: the route answers with an error envelope naming the member by its JSON name.
  room.send("say", { text: null, mood: "Calm", tagList: [], note: null });
  await new Promise(resolve => { const stop = room.onError(() => { stop(); resolve(); }); if (errors.length > 0) resolve(); });
  console.log(`error ${errors[0] instanceof ContractError} ${Object.keys(errors[0].errors ?? {}).join(",")}`);

  // 1012 (service restart) is worth another attempt: the client reconnects after its back-off delay, with the
  // same values; an application code (4000) says the client was refused, so it does not.
  const once = (subscribe, test) => new Promise(resolve => { const stop = subscribe((...args) => { if (test(...args)) { stop(); resolve(args); } }); });
  const reopened = once(listener => room.onOpen(listener), reconnected => reconnected);
  const restarted = once(listener => room.onClose(listener), () => true);
  room.send("leave", { code: 1012 });
  console.log(`restart ${(await restarted).join(" ")}`);
  await reopened;
  const again = await room.request("sum", { values: [20, 22] });
  console.log(`reconnected ${room.state} ${again.total} ${new URL(room.url).search}`);
  const refusedSocket = connectClientsRoom(base, { room: 8 }, { WebSocket, reconnect: { initialDelay: 10 } });
  await refusedSocket.opened;
  const refused = once(listener => refusedSocket.onClose(listener), () => true);
  refusedSocket.send("leave", { code: 4000 });
  console.log(`refused ${(await refused).join(" ")} ${refusedSocket.state}`);

  // A client generated from another version of the contract is refused with 4426, and does not retry.
  const stalePath = join(tmpdir(), `velithon-stale-${process.pid}.mjs`);
  await writeFile(stalePath, (await readFile(modulePath, "utf8")).replace(contractSubprotocol, "velithon.0000000000000000"));
  try {
    const stale = await import(pathToFileURL(stalePath).href);
    const old = stale.connectClientsRoom(base, { room: 9 }, { WebSocket, reconnect: { initialDelay: 10 } });
    const [code, reason, again] = await once(listener => old.onClose(listener), () => true);
    console.log(`stale ${code} ${again} ${old.state} ${reason.startsWith("Contract version mismatch")}`);
  } finally {
    await rm(stalePath, { force: true });
  }

  // The server never answers this one: the client gives up after its timeout and tells the server.
  try {
    await room.request("stall", {}, { timeout: 200 });
    console.log("stall answered");
  } catch (error) {
    console.log(`stall ${error instanceof RequestTimeoutError}`);
  }

  const closed = new Promise(resolve => room.onClose((code, _reason, again) => resolve(`${code} ${again}`)));
  room.close(1000, "done");
  console.log(`closed ${await closed} ${room.state}`);
}

const timeout = setTimeout(() => { console.error("timed out"); process.exit(2); }, 30000);
main().then(() => clearTimeout(timeout), error => { console.error(error); process.exit(1); });
