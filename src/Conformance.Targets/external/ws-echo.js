// Echo server on node "ws": every message goes back with its type; permessage-deflate offered.
const { WebSocketServer } = require("ws");
const port = Number(process.argv[2]);
const server = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: true, maxPayload: 0 });
server.on("connection", (socket) => {
  // Without an error listener, one invalid frame from a client would end the whole process.
  socket.on("error", () => {});
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.on("listening", () => console.log(`ws echo server on ws://127.0.0.1:${port}/`));
