// Runs under Wine's node.exe: binds TCP and UDP sockets on free ports, writes what it got to
// the file named by argv[2] (stdout is unusable from a Linux parent), and exits once the file
// named by argv[3] appears. A family the machine lacks (no IPv6) is reported as null.
const fs = require('node:fs');
const net = require('node:net');
const dgram = require('node:dgram');

const [readyFile, stopFile] = process.argv.slice(2);

function tcp(host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(0, host, () => resolve(server.address().port));
  });
}

function udp(type, host) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(type);
    socket.once('error', () => resolve(null));
    socket.bind(0, host, () => resolve(socket.address().port));
  });
}

(async () => {
  const report = {
    pid: process.pid,
    tcp4: await tcp('127.0.0.1'),
    udp4: await udp('udp4', '127.0.0.1'),
    tcp6: await tcp('::1'),
    udp6: await udp('udp6', '::1'),
    // What server.listen(port) creates: one dual-stack socket.
    dual: await tcp('::'),
  };
  fs.writeFileSync(`${readyFile}.tmp`, JSON.stringify(report));
  fs.renameSync(`${readyFile}.tmp`, readyFile);
  setInterval(() => {
    if (fs.existsSync(stopFile)) process.exit(0);
  }, 100);
})();
