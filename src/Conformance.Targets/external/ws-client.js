// Autobahn|Testsuite's client driver loop on node "ws": getCaseCount, runCase for each case (every message echoed
// with its type; permessage-deflate offered, as ws does by default), updateReports. Usage: node ws-client.js ws://127.0.0.1:9001 AGENT, or
// node ws-client.js wss://127.0.0.1:9001 AGENT CA.pem (the certificate to trust)
const WebSocket = require("ws");
const server = process.argv[2].replace(/\/$/, "");
const agent = process.argv[3];
const ca = process.argv[4] ? require("fs").readFileSync(process.argv[4]) : undefined;

// One connection: each message is handed to onMessage; resolves when the connection has closed, however it closed.
function connect(url, onMessage) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: true, maxPayload: 0, ca });
    socket.on("message", (data, isBinary) => onMessage(socket, data, isBinary));
    // Without an error listener, one invalid frame would end the whole process.
    socket.on("error", () => {});
    socket.on("close", resolve);
  });
}

async function main() {
  let count = 0;
  await connect(`${server}/getCaseCount`, (_, data) => { count = JSON.parse(data.toString()); });
  for (let n = 1; n <= count; n++) {
    await connect(`${server}/runCase?case=${n}&agent=${encodeURIComponent(agent)}`, (socket, data, isBinary) => socket.send(data, { binary: isBinary }));
  }
  await connect(`${server}/updateReports?agent=${encodeURIComponent(agent)}`, () => {});
  console.log(`ws client: ran ${count} cases as ${agent}`);
}

main();
